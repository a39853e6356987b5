/**
 * The simulated devices, one file each, as 9front has them: #X (devvmx.c)
 * and #g (devsegment.c).
 *
 * @module
 */

export { DevVmx, type DevVmxOptions } from "./devvmx.ts";
export {
  BY2PG,
  DevSegment,
  type GlobalsegState,
  PALLOC_BASE,
  PALLOC_PAGES,
  SEGMAXSIZE,
  type Segment,
  SEGSIMMAX,
  USTKTOP,
} from "./devsegment.ts";
