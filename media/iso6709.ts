import type { GeoLocation } from '../common/types';

// ±DD.DDDD±DDD.DDDD[±AAA.AAA][CRS]/ — the decimal-degree form QuickTime writes in ©xyz.
const ISO6709 = /^([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?(?:CRS[^/]*)?\/?$/;

/** Parses a QuickTime location tag (ISO 6709 decimal degrees); undefined when malformed. */
export function parseIso6709(tag: string | undefined): GeoLocation | undefined {
  const trimmed = tag?.trim();
  if (!trimmed) return undefined;
  const match = ISO6709.exec(trimmed);
  if (!match?.[1] || !match[2]) return undefined;
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  const altitude = match[3] === undefined ? undefined : Number(match[3]);
  return { latitude, longitude, ...(altitude === undefined ? {} : { altitude }), iso6709: trimmed };
}
