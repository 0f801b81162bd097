/**
 * Makes `--aws-profile` choose the configured endpoint the way `AWS_PROFILE` does.
 *
 * The SDK v3 reads `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL` and the config file's `endpoint_url`
 * (and `services` sections) itself, but for the file it reads the profile named by `AWS_PROFILE`, never
 * the client's `profile` option (`@smithy/core/endpoints` `getEndpointFromConfig` takes no profile). So
 * `--aws-profile local` would take its credentials and region from `local` and its endpoint from
 * `default`. {@link bindConfiguredEndpointToProfile} replaces the client's configured-endpoint provider
 * with the same lookup, bound to the profile; the precedence is the SDK's, unchanged.
 *
 * @module
 */
import { booleanSelector, CONFIG_PREFIX_SEPARATOR, loadConfig, SelectorType } from '@smithy/core/config';

/** The SDK's switch that turns every configured endpoint off. */
const IGNORE_ENV = 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS';
const IGNORE_CONFIG = 'ignore_configured_endpoint_urls';

type Section = Readonly<Record<string, string | undefined>>;

/**
 * The endpoint the SDK would configure for `serviceId` (`ECS`, `Elastic Load Balancing v2`) if
 * `profile` were `AWS_PROFILE`: `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's
 * `services` section, the profile's `endpoint_url`; undefined when none is set or all are ignored.
 */
export async function configuredEndpoint(serviceId: string, profile: string): Promise<string | undefined> {
  const where = { profile };
  const ignore = await loadConfig<boolean>(
    {
      environmentVariableSelector: (env) => booleanSelector(env, IGNORE_ENV, SelectorType.ENV),
      configFileSelector: (p) => booleanSelector(p, IGNORE_CONFIG, SelectorType.CONFIG),
      default: false,
    },
    where,
  )();
  if (ignore) return undefined;
  const words = serviceId.split(' ');
  return loadConfig<string | undefined>(
    {
      environmentVariableSelector: (env) =>
        env[['AWS_ENDPOINT_URL', ...words.map((w) => w.toUpperCase())].join('_')] || env.AWS_ENDPOINT_URL,
      configFileSelector: (p, config) => {
        const services = p.services;
        if (services) {
          const section = (config as Readonly<Record<string, Section>> | undefined)?.[
            ['services', services].join(CONFIG_PREFIX_SEPARATOR)
          ];
          const key = [words.map((w) => w.toLowerCase()).join('_'), 'endpoint_url'].join(
            CONFIG_PREFIX_SEPARATOR,
          );
          if (section?.[key]) return section[key];
        }
        return p.endpoint_url || undefined;
      },
      default: undefined,
    },
    where,
  )();
}

/**
 * Points a client's configured-endpoint lookup at `profile`. A no-op on an SDK whose resolved config
 * has no `serviceConfiguredEndpoint` (then the SDK's own lookup, by `AWS_PROFILE`, stays).
 */
export function bindConfiguredEndpointToProfile(client: { readonly config: object }, profile: string): void {
  const config = client.config as { serviceId?: unknown; serviceConfiguredEndpoint?: unknown };
  if (typeof config.serviceConfiguredEndpoint !== 'function' || typeof config.serviceId !== 'string') return;
  const serviceId = config.serviceId;
  let found: Promise<string | undefined> | undefined;
  config.serviceConfiguredEndpoint = () => {
    found ??= configuredEndpoint(serviceId, profile);
    return found;
  };
}
