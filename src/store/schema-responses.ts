// Tables of the automated responses (key suspensions, blocked principals and addresses).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ResponseTables {}
