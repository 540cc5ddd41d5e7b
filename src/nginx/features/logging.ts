/** Format of the access log. */
export enum AccessLogFormat {
  /** The seed's `main` format (combined plus X-Forwarded-For). */
  MAIN = 'MAIN',
  /** One JSON object per request (`escape=json`), for log pipelines. */
  JSON = 'JSON',
}

/** The JSON access-log format: one object per line, values escaped by nginx. */
export const JSON_LOG_FORMAT = '{"time":"$time_iso8601","remote_addr":"$remote_addr","request_id":"$request_id",'
  + '"method":"$request_method","uri":"$request_uri","protocol":"$server_protocol","status":$status,'
  + '"bytes_sent":$body_bytes_sent,"request_time":$request_time,"referer":"$http_referer",'
  + '"user_agent":"$http_user_agent","forwarded_for":"$http_x_forwarded_for","host":"$host",'
  + '"upstream_addr":"$upstream_addr","upstream_status":"$upstream_status","upstream_response_time":"$upstream_response_time"}';
