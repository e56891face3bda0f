// The optim room's public surface.
export { SGD, type SgdOptions } from './sgd.js';
export { learningRate, checkSchedule, SCHEDULES, type ScheduleSpec } from './schedule.js';
