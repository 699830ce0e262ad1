import { MODEL_STAGES, type ModelStage } from './model';
import { judgeRegistrationStage, judgeTransition, nextStages } from './stage-machine';

const judge = (from: ModelStage, to: ModelStage, champion: string | null = '1') =>
  judgeTransition({ version: '2', from, to, champion });

describe('stage machine', () => {
  it('lets a retrained version go CANDIDATE → SHADOW → CHAMPION, archiving the champion', () => {
    expect(judge('CANDIDATE', 'SHADOW')).toEqual({ ok: true, archives: null });
    expect(judge('SHADOW', 'CHAMPION')).toEqual({ ok: true, archives: '1' });
  });

  it('lets any non-champion be rejected, and nothing leave REJECTED', () => {
    for (const from of ['CANDIDATE', 'SHADOW', 'ARCHIVED'] as const) {
      expect(judge(from, 'REJECTED').ok).toBe(true);
    }
    for (const to of MODEL_STAGES) {
      expect(judge('REJECTED', to)).toMatchObject({ ok: false });
    }
    expect(judge('REJECTED', 'CHAMPION')).toMatchObject({ refusal: 'TERMINAL' });
  });

  it('never lets a champion leave on its own', () => {
    for (const to of ['ARCHIVED', 'REJECTED', 'SHADOW', 'CANDIDATE'] as const) {
      expect(judgeTransition({ version: '1', from: 'CHAMPION', to, champion: '1' })).toMatchObject({
        ok: false,
        refusal: 'CHAMPION_NEEDS_SUCCESSOR',
      });
    }
  });

  it('rolls back: an archived former champion becomes champion again', () => {
    expect(judge('ARCHIVED', 'CHAMPION')).toEqual({ ok: true, archives: '1' });
  });

  it('refuses a candidate skipping SHADOW while a champion exists, allows it for the first champion', () => {
    expect(judge('CANDIDATE', 'CHAMPION', '1')).toMatchObject({ ok: false, refusal: 'CHAMPION_EXISTS' });
    expect(judge('CANDIDATE', 'CHAMPION', null)).toEqual({ ok: true, archives: null });
  });

  it('refuses backward moves and moves to the same stage', () => {
    expect(judge('SHADOW', 'CANDIDATE')).toMatchObject({ refusal: 'NOT_FROM_STAGE' });
    expect(judge('CANDIDATE', 'ARCHIVED')).toMatchObject({ refusal: 'NOT_FROM_STAGE' });
    expect(judge('ARCHIVED', 'SHADOW')).toMatchObject({ refusal: 'NOT_FROM_STAGE' });
    expect(judge('SHADOW', 'SHADOW')).toMatchObject({ refusal: 'ALREADY_IN_STAGE' });
  });

  it('judges every pair of stages, and agrees with nextStages', () => {
    for (const from of MODEL_STAGES) {
      for (const to of MODEL_STAGES) {
        const verdict = judgeTransition({ version: '2', from, to, champion: null });
        if (from === 'CHAMPION') expect(verdict.ok).toBe(false);
        else expect(verdict.ok).toBe(nextStages(from).includes(to));
        if (!verdict.ok) expect(verdict.message).toContain('version 2');
      }
    }
  });

  it('registers as CANDIDATE or SHADOW always, as CHAMPION only without a champion or for EXTERNAL', () => {
    expect(judgeRegistrationStage('2', 'CANDIDATE', 'FULL', '1')).toEqual({ ok: true, archives: null });
    expect(judgeRegistrationStage('2', 'SHADOW', 'FULL', '1')).toEqual({ ok: true, archives: null });
    expect(judgeRegistrationStage('1', 'CHAMPION', 'FULL', null)).toEqual({ ok: true, archives: null });
    expect(judgeRegistrationStage('2', 'CHAMPION', 'FULL', '1')).toMatchObject({
      ok: false,
      refusal: 'CHAMPION_EXISTS',
    });
    expect(judgeRegistrationStage('2', 'CHAMPION', 'EXTERNAL', '1')).toEqual({ ok: true, archives: '1' });
    expect(judgeRegistrationStage('2', 'ARCHIVED', 'FULL', null)).toMatchObject({ ok: false });
    expect(judgeRegistrationStage('2', 'REJECTED', 'FULL', null)).toMatchObject({ ok: false });
  });
});
