/**
 * The inline stylesheet of the HTML drift report. Inline so the report is one file that opens anywhere
 * (a CI artifact, an email attachment) with no network access.
 *
 * @module
 */

/** CSS for {@link formatDriftHtml}: system fonts, status colours, readable tables, print and dark mode. */
export const DRIFT_HTML_CSS = `
:root { --fg:#1f2328; --muted:#59636e; --bg:#ffffff; --panel:#f6f8fa; --line:#d1d9e0;
  --ok:#1a7f37; --ok-bg:#dafbe1; --warn:#9a6700; --warn-bg:#fff8c5; --bad:#cf222e; --bad-bg:#ffebe9;
  --orphan:#8250df; --orphan-bg:#fbefff; --unknown:#59636e; --unknown-bg:#eff2f5; }
@media (prefers-color-scheme: dark) {
  :root { --fg:#e6edf3; --muted:#9198a1; --bg:#0d1117; --panel:#151b23; --line:#3d444d;
    --ok:#3fb950; --ok-bg:#12261e; --warn:#d29922; --warn-bg:#272115; --bad:#f85149; --bad-bg:#2d1214;
    --orphan:#ab7df8; --orphan-bg:#231a33; --unknown:#9198a1; --unknown-bg:#212830; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI",
  Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 24px; margin: 0 0 4px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
h2 { font-size: 18px; margin: 0; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.meta, .muted { color: var(--muted); }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
.badge { display: inline-block; padding: 1px 10px; border-radius: 999px; font-size: 12px; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.s-Synced, .s-in-sync, .s-Healthy { color: var(--ok); background: var(--ok-bg); }
.s-OutOfSync, .s-changed, .s-Progressing { color: var(--warn); background: var(--warn-bg); }
.s-missing, .s-conflict, .s-Degraded, .s-Missing, .s-error { color: var(--bad); background: var(--bad-bg); }
.s-unmanaged { color: var(--orphan); background: var(--orphan-bg); }
.s-Unknown, .s-unknown { color: var(--unknown); background: var(--unknown-bg); }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0 24px; }
.card { min-width: 120px; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px;
  background: var(--panel); }
.card b { display: block; font-size: 22px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; }
.stack { border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin: 0 0 20px; }
.stack > p { margin: 6px 0; }
.fix-replace { color: var(--bad); font-weight: 600; }
.live { background: var(--bad-bg); } .desired { background: var(--ok-bg); }
.error { color: var(--bad); font-weight: 600; }
details { margin: 8px 0; } summary { cursor: pointer; color: var(--muted); }
a { color: inherit; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print { body { padding: 0; } .stack { break-inside: avoid; } details { display: block; } }
`;
