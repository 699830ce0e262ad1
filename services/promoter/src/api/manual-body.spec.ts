import { BadRequestException } from '@nestjs/common';
import { parseManualBody } from './manual-body';

function field(body: unknown, needsVersion = true): string | undefined {
  try {
    parseManualBody(body, needsVersion);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { field: string }).field;
  }
}

describe('manual call bodies', () => {
  it('reads reason, actor and version', () => {
    expect(parseManualBody({ reason: ' bad calibration ', actor: 'ana' }, true)).toEqual({
      reason: 'bad calibration',
      actor: 'ana',
      version: undefined,
    });
    expect(parseManualBody({ reason: 'back', version: '3' }, false)).toEqual({
      reason: 'back',
      actor: 'manual',
      version: '3',
    });
  });

  it('answers 400 naming the field at fault', () => {
    expect(field(null)).toBe('body');
    expect(field([])).toBe('body');
    expect(field({})).toBe('reason');
    expect(field({ reason: '  ' })).toBe('reason');
    expect(field({ reason: 'x', actor: 3 })).toBe('actor');
    expect(field({ reason: 'x', colour: 'red' })).toBe('colour');
    expect(field({ reason: 'x', version: '2' })).toBe('version');
    expect(field({ reason: 'x', version: '' }, false)).toBe('version');
  });
});
