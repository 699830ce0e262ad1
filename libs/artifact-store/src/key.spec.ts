import { ArtifactKeyError, validateKey } from './index';
import { ESCAPING_KEYS } from '../test/artifact-store-contract';

describe('validateKey', () => {
  it.each(['models/churn/3/model.json', 'a', 'models/m-1_x/v2.0/weights~1=+@,.bin', 'x/'.repeat(100) + 'y'])(
    'accepts %s',
    (key) => {
      expect(validateKey(key)).toBe(key);
    },
  );

  it.each(ESCAPING_KEYS)('refuses %j (%s), naming the problem', (key) => {
    const error = (() => {
      try {
        validateKey(key);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as ArtifactKeyError;
    expect(error).toBeInstanceOf(ArtifactKeyError);
    expect(error.key).toBe(key);
    expect(error.problem.length).toBeGreaterThan(0);
  });

  it('refuses what is not a string', () => {
    expect(() => validateKey(undefined)).toThrow(ArtifactKeyError);
    expect(() => validateKey(42)).toThrow(ArtifactKeyError);
  });
});
