import { loadWorkerConfig } from '../../worker/config';

/** Loads the worker config with these tenant options (and optionally other variables). */
function load(options: unknown, env: Record<string, string> = {}) {
  return () => loadWorkerConfig({ ...env, REELSCOPE_TRANSCRIBE_TENANT_OPTIONS: typeof options === 'string' ? options : JSON.stringify(options) });
}

describe('REELSCOPE_TRANSCRIBE_TENANT_OPTIONS (per-tenant Transcribe options, validated at worker start)', () => {
  it('keeps each tenant\'s options and the "*" default', () => {
    const options = {
      '*': { redaction: {} },
      acme: {
        languageCode: 'en-US',
        vocabularyName: 'acme-terms',
        vocabularyFilterName: 'acme.blocklist_v2',
        vocabularyFilterMethod: 'tag',
        redaction: { piiEntityTypes: ['NAME', 'PHONE'] },
        toxicityDetection: true,
      },
      globex: { identifyLanguages: 'multiple', languageOptions: ['en-US', 'es-US'], languageVocabularies: { 'es-US': { vocabularyName: 'globex-es' } } },
    };

    expect(load(options)().awsBackend.transcribe.tenantOptions).toEqual(options);
  });

  it('takes each tenant id in its one spelling, and refuses a key that is no tenant id', () => {
    expect(Object.keys(load({ ACME: {} })().awsBackend.transcribe.tenantOptions ?? {})).toEqual(['acme']);
    expect(load({ 'acme corp': {} })).toThrow(/REELSCOPE_TRANSCRIBE_TENANT_OPTIONS: "acme corp" is not a tenant id/);
    expect(load({ acme: {}, ACME: {} })).toThrow(/tenant acme is listed twice/);
  });

  it('leaves the options out when the variable is unset or empty', () => {
    expect(loadWorkerConfig({}).awsBackend.transcribe.tenantOptions).toBeUndefined();
    expect(load('')().awsBackend.transcribe.tenantOptions).toBeUndefined();
  });

  it.each([
    ['text that is not JSON', '{acme:', /REELSCOPE_TRANSCRIBE_TENANT_OPTIONS: not JSON/],
    ['a name outside Transcribe\'s pattern', { acme: { languageCode: 'en-US', vocabularyName: 'acme terms' } }, /REELSCOPE_TRANSCRIBE_TENANT_OPTIONS\.acme\.vocabularyName: a Transcribe resource name/],
    ['a name over 200 characters', { acme: { languageCode: 'en-US', vocabularyName: 'v'.repeat(201) } }, /acme\.vocabularyName: a Transcribe resource name/],
    ['an option Transcribe has not', { acme: { customLanguageModel: 'x' } }, /REELSCOPE_TRANSCRIBE_TENANT_OPTIONS\.acme: Unrecognized key/],
    ['an unknown filter method', { acme: { languageCode: 'en-US', vocabularyFilterName: 'f', vocabularyFilterMethod: 'bleep' } }, /acme\.vocabularyFilterMethod/],
    ['a filter without a method', { acme: { languageCode: 'en-US', vocabularyFilterName: 'f' } }, /acme: a vocabulary filter needs vocabularyFilterMethod/],
    ['a method without a filter', { acme: { languageCode: 'en-US', vocabularyFilterMethod: 'mask' } }, /acme: vocabularyFilterMethod is set without a vocabulary filter name/],
    ['a Settings vocabulary with identification', { acme: { identifyLanguages: 'single', vocabularyName: 'v' } }, /acme: with language identification a vocabulary goes per language/],
    ['a per-language vocabulary with a fixed language', { acme: { languageCode: 'de-DE', languageVocabularies: { 'de-DE': { vocabularyName: 'v' } } } }, /acme: languageVocabularies apply to an identified language/],
    ['a per-language vocabulary outside the options', { acme: { identifyLanguages: 'multiple', languageOptions: ['en-US', 'es-US'], languageVocabularies: { 'fr-FR': { vocabularyName: 'v' } } } }, /acme: languageVocabularies names fr-FR, which is not among the language options/],
    ['a language code that is not Transcribe\'s', { acme: { languageCode: 'en' } }, /acme\.languageCode: "en" is not a Transcribe language code/],
    ['a fixed language and identification', { acme: { languageCode: 'en-US', identifyLanguages: 'single' } }, /acme: set languageCode or identifyLanguages, not both/],
    ['redaction with multi-language identification', { acme: { identifyLanguages: 'multiple', redaction: {} } }, /acme: redaction cannot be combined with identifyLanguages "multiple"/],
    ['an unknown PII entity type', { acme: { redaction: { piiEntityTypes: ['NAME', 'SHOE_SIZE'] } } }, /acme\.redaction\.piiEntityTypes\.1: a PII entity type/],
    ['toxicity in German', { acme: { languageCode: 'de-DE', toxicityDetection: true } }, /acme: toxicityDetection needs the language fixed to en-US .*this tenant's language is de-DE/],
    ['toxicity with an identified language', { acme: { toxicityDetection: true } }, /acme: toxicityDetection needs the language fixed to en-US .*this tenant's language is identified/],
  ])('refuses %s, naming the variable and the tenant', (_what, options, message) => {
    expect(load(options)).toThrow(/^invalid worker configuration:/);
    expect(load(options)).toThrow(message);
  });

  it('takes the worker\'s fixed language into account: toxicity passes when REELSCOPE_TRANSCRIBE_LANGUAGE is en-US', () => {
    expect(load({ '*': { toxicityDetection: true } }, { REELSCOPE_TRANSCRIBE_LANGUAGE: 'en-US' })().awsBackend.transcribe.tenantOptions).toEqual({ '*': { toxicityDetection: true } });
    expect(load({ '*': { toxicityDetection: true } }, { REELSCOPE_TRANSCRIBE_LANGUAGE: 'fr-FR' })).toThrow(/\*: toxicityDetection needs the language fixed to en-US/);
  });
});
