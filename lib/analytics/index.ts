export { clientIp, flushDownloads, recordDownload, type RecordDownloadInput } from "./record";
export { classifyUserAgent, type Agent } from "./user-agents";
export { dateRangeSchema, reportQuerySchema, type DateRange, type Day } from "./days";
