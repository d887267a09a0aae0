import { CorruptImageError } from './errors.js';
import type { FailOn } from './open-image.js';

/**
 * Runs `decode` strictly. When damaged images are accepted and the strict decoder refuses one as
 * corrupt, runs it again tolerantly (is it decodable past its damage?) and names the damage from
 * the strict decoder's complaint.
 */
export async function tolerateDamage<T>(acceptDamaged: boolean, decode: (failOn: FailOn) => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  try {
    return { value: await decode('warning'), warnings: [] };
  } catch (error) {
    if (!acceptDamaged || !(error instanceof CorruptImageError)) throw error;
    return { value: await decode('error'), warnings: [`damaged ${error.format} image: ${error.reason}`] };
  }
}
