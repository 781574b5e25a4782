import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiUrl, publicApiUrl } from './api-url';

test('the browser gets BASIN_PUBLIC_API_URL when set, else the server’s BASIN_API_URL, else localhost:4000', () => {
  const saved = { ...process.env };
  try {
    delete process.env.BASIN_API_URL;
    delete process.env.BASIN_PUBLIC_API_URL;
    assert.equal(publicApiUrl(), 'http://localhost:4000/graphql');
    process.env.BASIN_API_URL = 'http://api:4000/graphql';
    assert.equal(apiUrl(), 'http://api:4000/graphql');
    assert.equal(publicApiUrl(), 'http://api:4000/graphql');
    process.env.BASIN_PUBLIC_API_URL = ' https://basin.example.org/graphql ';
    assert.equal(publicApiUrl(), 'https://basin.example.org/graphql');
    assert.equal(apiUrl(), 'http://api:4000/graphql');
  } finally {
    process.env = saved;
  }
});
