// The behaviour profiles by name, and the model ids that select them per request.
import { echoProfile } from './echo.js';
import { hardenedProfile } from './hardened.js';
import { naiveProfile } from './naive.js';
import type { Profile, ProfileName } from './types.js';

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  echo: echoProfile,
  naive: naiveProfile,
  hardened: hardenedProfile,
};

/** Model ids that pick a profile whatever the server's default. */
export const PROFILE_MODELS: Readonly<Record<string, Profile>> = {
  'sim-echo': echoProfile,
  'sim-naive': naiveProfile,
  'sim-hardened': hardenedProfile,
};

/** The profile for `model`: its own when it names one, else the server's default. */
export function profileForModel(model: string, fallback: Profile): Profile {
  return Object.hasOwn(PROFILE_MODELS, model) ? (PROFILE_MODELS[model] as Profile) : fallback;
}
