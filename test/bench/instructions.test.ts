import { instructionsReported, workOf } from '../../bench/instructions';

describe('the instruction-count bench', () => {
  test("reads the count valgrind's cachegrind prints at exit", () => {
    const stderr = [
      '==7878== Cachegrind, a high-precision tracing profiler',
      '==7878== Command: node --predictable lib/bench/instructions.js --run reach',
      '==7878== ',
      '==7878== I   refs:      12,688,467,303',
    ].join('\n');
    expect(instructionsReported(stderr)).toBe(12_688_467_303);
  });

  test('fails, showing what valgrind said, when there is no count (the process crashed)', () => {
    expect(() => instructionsReported('==1== Process terminating with default action of signal 11 (SIGSEGV)'))
      .toThrow(/no instruction count.*SIGSEGV/s);
  });

  test('counts a job\'s work as its run less its start-up, and refuses a start-up that costs as much', () => {
    expect(workOf(12_000, 800)).toBe(11_200);
    expect(() => workOf(800, 800)).toThrow(/start-up alone/);
  });
});
