import { describe, expect, it } from 'vitest';
import { originProblem } from './cors.js';

describe('originProblem', () => {
  it.each(['https://app.example.org', 'http://localhost:8080', 'https://[::1]:8443', 'http://127.0.0.1:3000'])('accepts the exact origin %s', (origin) => {
    expect(originProblem(origin)).toBeNull();
  });

  it.each([
    ['https://app.example.org/', /no trailing slash \(https:\/\/app\.example\.org\)/],
    ['https://app.example.org/login', /no path, query or fragment/],
    ['https://app.example.org?x=1', /no path, query or fragment/],
    ['https://APP.example.org', /the way browsers send it: https:\/\/app\.example\.org/],
    ['https://app.example.org:443', /the way browsers send it: https:\/\/app\.example\.org$/],
    ['ftp://app.example.org', /only http and https/],
    ['https://user:pw@app.example.org', /no user or password/],
    ['app.example.org', /not a URL/],
    ['*', /not a URL/],
  ])('explains what is wrong with %s', (value, message) => {
    expect(originProblem(value)).toMatch(message);
  });
});
