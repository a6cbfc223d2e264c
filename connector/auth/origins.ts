/** True for an exact web origin as browsers send it: http(s), lower-case host, no path, no trailing slash or dot. */
export function isExactOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin && !url.hostname.endsWith('.');
}
