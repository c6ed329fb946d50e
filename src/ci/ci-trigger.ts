/** Why a CI run happened (SLUICE_CI_TRIGGER): recorded with the run, so runs can be told apart by cause. */
import { z } from 'zod';
import { invalidCiTrigger } from './errors.js';

export const CI_TRIGGERS = ['commit', 'data', 'schedule', 'manual'] as const;

const triggerSchema = z.enum(CI_TRIGGERS);

/** The trigger named by the environment, or undefined when unset; an unknown value fails (exit 2). */
export function parseCiTrigger(value: string | undefined): (typeof CI_TRIGGERS)[number] | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = triggerSchema.safeParse(value.trim().toLowerCase());
  if (!parsed.success) throw invalidCiTrigger({ value, allowed: CI_TRIGGERS });
  return parsed.data;
}
