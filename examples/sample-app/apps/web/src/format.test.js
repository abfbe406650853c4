import { describe, expect, test } from 'vitest';
import { formatCount } from './format.js';

describe('formatCount', () => {
  test('uses the singular for one', () => {
    expect(formatCount(1, 'item')).toBe('1 item');
  });

  test('uses the plural otherwise', () => {
    expect(formatCount(0, 'item')).toBe('0 items');
    expect(formatCount(3, 'item')).toBe('3 items');
  });
});
