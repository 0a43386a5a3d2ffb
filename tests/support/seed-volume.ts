/** The delivered seed manuscript read as every command reads it (normalized, with book.yaml): the volume the writer tests run on. */
import { readVolume, resolveInputs } from '../../pipeline/commands/inputs.ts';
import type { Volume } from '../../pipeline/model/types.ts';
import { projectPath } from '../../pipeline/paths.ts';

/** A fresh copy each call: tests may change it. */
export function seedVolume(): Volume {
  return readVolume(resolveInputs({ cwd: projectPath() })).volume;
}
