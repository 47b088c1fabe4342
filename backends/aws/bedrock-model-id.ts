import { DEFAULT_BEDROCK_MODEL_ID } from '../../common/constants';

// Which model id a region can call, shared by the worker's start-up check and the CDK grant,
// so the IAM policy names exactly the inference profile the worker will invoke. Pure: no I/O.

/**
 * The geographies of Bedrock's cross-Region (system-defined) inference profiles, by the
 * first segment of the profile id, and the regions a profile of each may be invoked from:
 * a profile is callable only from its own source regions (Bedrock user guide, "Supported
 * Regions and models for inference profiles"). The test is the geography; which regions of
 * it serve a given model is on the model's card.
 */
const SOURCE_REGIONS: Record<string, { where: string; serves: (region: string) => boolean }> = {
  // Canada (Central) is a source region of the US profiles of the Claude 4.5 models.
  us: { where: 'the US (us-*) and ca-central-1', serves: (r) => /^us-(east|west)-\d+$/.test(r) || r === 'ca-central-1' },
  'us-gov': { where: 'AWS GovCloud (us-gov-*)', serves: (r) => r.startsWith('us-gov-') },
  ca: { where: 'Canada (ca-*)', serves: (r) => r.startsWith('ca-') },
  eu: { where: 'Europe (eu-*)', serves: (r) => r.startsWith('eu-') },
  apac: { where: 'Asia Pacific (ap-*)', serves: (r) => r.startsWith('ap-') },
  jp: { where: 'Japan (ap-northeast-1, ap-northeast-3)', serves: (r) => r === 'ap-northeast-1' || r === 'ap-northeast-3' },
  au: { where: 'Australia (ap-southeast-2, ap-southeast-4)', serves: (r) => r === 'ap-southeast-2' || r === 'ap-southeast-4' },
  global: { where: 'commercial regions', serves: (r) => /^[a-z]{2}-[a-z]+-\d+$/.test(r) && !/^(us-gov|cn|us-iso[a-z]*)-/.test(r) },
};

/**
 * Bedrock's model ids (`anthropic.claude-haiku-4-5-20251001-v1:0`, `amazon.nova-lite-v1:0`,
 * `anthropic.claude-sonnet-4-6`): the form of the control plane's BedrockModelId pattern,
 * `provider.model` with up to two more dotted parts and up to two `:` suffixes.
 */
const MODEL_ID = /^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63}){1,3}(:[a-z0-9-]{1,63}){0,2}$/;
/** The ARNs Converse takes as a model id (the runtime's ConversationalModelId), with region and account. */
const MODEL_ARN = /^arn:aws(-[a-z]+)*:bedrock:([a-z0-9-]{1,20}):(\d{12})?:(foundation-model|inference-profile|application-inference-profile|provisioned-model|imported-model)\/[a-zA-Z0-9\-:.]+$/;

/** A model id taken apart: a geography-prefixed inference profile, a foundation model, or an ARN. */
export type ParsedModelId =
  | { kind: 'inference-profile'; geography: string; foundationModel: string }
  | { kind: 'foundation-model'; foundationModel: string }
  | { kind: 'arn'; region: string };

/** Undefined when `id` is not in any form Bedrock accepts. */
export function parseBedrockModelId(id: string): ParsedModelId | undefined {
  const arn = MODEL_ARN.exec(id);
  if (arn) return { kind: 'arn', region: arn[2] as string };
  if (!MODEL_ID.test(id)) return undefined;
  const [first = '', ...rest] = id.split('.');
  if (first in SOURCE_REGIONS && rest.length >= 2) return { kind: 'inference-profile', geography: first, foundationModel: rest.join('.') };
  return { kind: 'foundation-model', foundationModel: id };
}

/**
 * The inference profile geography reelscope uses for its default model in a region: the
 * nearest geography whose profiles keep the data in it (Japan and Australia have their own),
 * the global profile in the other commercial regions, none in GovCloud, China or ISO regions.
 */
export function defaultGeography(region: string): string | undefined {
  if (SOURCE_REGIONS['jp']?.serves(region)) return 'jp';
  if (SOURCE_REGIONS['au']?.serves(region)) return 'au';
  for (const geography of ['us', 'eu', 'apac', 'global']) if (SOURCE_REGIONS[geography]?.serves(region)) return geography;
  return undefined;
}

export type ResolvedModelId = { ok: true; modelId: string } | { ok: false; problem: string };

/**
 * The id the worker invokes from `region`, or why that region cannot invoke it. The default
 * model, which Bedrock serves only through inference profiles, gets the profile of the
 * region's geography; any other id is used as given, and a geography-prefixed one must be
 * callable from the region (a `us.` profile answers only US callers).
 */
export function resolveBedrockModelId(id: string, region: string): ResolvedModelId {
  if (id === DEFAULT_BEDROCK_MODEL_ID) {
    const geography = defaultGeography(region);
    if (!geography) return { ok: false, problem: `no default inference profile for ${region}; set a model id Bedrock serves there` };
    return { ok: true, modelId: `${geography}.${id}` };
  }
  const parsed = parseBedrockModelId(id);
  if (!parsed) {
    return {
      ok: false,
      problem: `"${id}" is not a Bedrock model id: expected provider.model[:version] (e.g. ${DEFAULT_BEDROCK_MODEL_ID}), an inference profile id (${Object.keys(SOURCE_REGIONS).join('., ')}. before one) or a Bedrock model ARN`,
    };
  }
  if (parsed.kind === 'arn' && parsed.region !== '' && parsed.region !== region) {
    return { ok: false, problem: `"${id}" is in ${parsed.region}, but Bedrock is called in ${region}` };
  }
  if (parsed.kind === 'inference-profile') {
    const source = SOURCE_REGIONS[parsed.geography];
    if (source && !source.serves(region)) {
      const nearest = defaultGeography(region);
      const instead = nearest ? `; from ${region} use ${nearest}.${parsed.foundationModel}` : '';
      return { ok: false, problem: `"${id}" is a ${parsed.geography}. inference profile, which Bedrock serves only to callers in ${source.where}${instead}` };
    }
  }
  return { ok: true, modelId: id };
}
