/**
 * The simulated devices, one file each, as 9front has them: #X (devvmx.c)
 * and #g (devsegment.c).
 *
 * @module
 */

export { DevVmx, type DevVmxOptions } from "./devvmx.ts";
export { DevSegment, type GlobalsegState, type Segment } from "./devsegment.ts";
