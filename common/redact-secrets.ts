/**
 * Scrubs what must never leave the worker in a message: presigned URLs (their signature and
 * session token are credentials for the object), bare AWS credential parameters and access
 * key ids, and local file system paths (temp folders, the worker's install path). Applied to
 * every failure an activity reports, so records, reports, history and logs stay clean.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/\bhttps?:\/\/[^\s'"<>]+/gi, '<media URL>')
    .replace(/\bX-Amz-(?:Signature|Credential|Security-Token)=[^&\s'"]+/gi, 'X-Amz-<redacted>')
    .replace(/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, '<access key>')
    .replace(/(^|[\s'"(=,[])\/(?:[^\s'"/()<>:]+\/)+[^\s'"/()<>:,]*/g, '$1<local path>');
}
