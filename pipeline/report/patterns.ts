/**
 * How messages group for a reader: the terminal and the review report show a finding that recurs
 * (the same reason with different quoted values) once, with its count.
 */
/** A reason with its 「quoted values」 left out: messages that differ only in those are the same finding. */
export function patternOf(reason: string): string {
  let s = reason.replace(/「[^」]*」/g, '「…」');
  // brackets may nest: （市发改局（市上海办））
  for (let t = ''; t !== s; ) { t = s; s = s.replace(/（[^（）]*）/g, '〔…〕'); }
  return s.replace(/〔…〕/g, '（…）').replace(/\d+/g, 'N');
}
