export type { ErrorCodeName } from "./constants.js";
export { CONNECTION_PREFACE, ErrorCode, errorCodeName, FrameFlag, FrameType, SettingId } from "./constants.js";
export { Http2ProtocolError } from "./errors.js";
export type { Frame, FrameHeader, Priority, Setting } from "./frames.js";
export type { ReadFrameResult } from "./parse.js";
export { readFrame } from "./parse.js";
