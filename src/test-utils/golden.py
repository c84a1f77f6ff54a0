"""Regenerates the golden fixtures in test files from the NumPy snippets pasted above them.

Usage: python3 src/test-utils/golden.py src/ops/elementwise.test.ts [more test files...]

A fixture is a comment block followed by a const:
  // golden: NumPy output of
  //   x = np.array(...)                  (`np` is numpy; nothing else is imported)
  //   golden = dict(x=x, y=np.tanh(x))
  // biome-ignore format: golden values
  const NAME = { ... };
The snippet runs and the const is rewritten from `golden` (9 significant digits). Running it on an
unchanged file leaves the file unchanged.
"""
import sys, re, math
import numpy as np

def fmt(v):
    if isinstance(v, np.ndarray):
        return fmt(v.tolist())
    if isinstance(v, (list, tuple)):
        return '[' + ', '.join(fmt(x) for x in v) + ']'
    if isinstance(v, (bool, np.bool_)):
        return '1' if v else '0'
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)
    if math.isnan(f): return 'NaN'
    if math.isinf(f): return 'Infinity' if f > 0 else '-Infinity'
    s = '%.9g' % f
    if 'e' in s:
        m, e = s.split('e'); s = m + 'e' + str(int(e))
    return s

def process(path):
    lines = open(path).read().split('\n')
    out = []; i = 0; n = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == '// golden: NumPy output of':
            indent = line[:len(line) - len(line.lstrip())]
            out.append(line); i += 1
            code = []
            while lines[i].strip().startswith('//   ') or lines[i].strip() == '//':
                code.append(lines[i].strip()[5:]); out.append(lines[i]); i += 1
            if lines[i].strip().startswith('// biome-ignore'):
                i += 1
            m = re.match(r'\s*(export )?const (\w+) = ', lines[i])
            assert m, f'{path}:{i+1}: expected const after snippet'
            name = m.group(2)
            # skip the old const through its closing line
            if lines[i].rstrip().endswith('};') and lines[i].count('{') == lines[i].count('}'):
                i += 1
            else:
                i += 1
                while lines[i].rstrip() != indent + '};': i += 1
                i += 1
            env = {'np': np}
            exec('\n'.join(code), env)
            golden = env['golden']
            out.append(indent + '// biome-ignore format: golden values')
            out.append(f'{indent}const {name} = {{')
            for k, v in golden.items():
                out.append(f'{indent}  {k}: {fmt(v)},')
            out.append(indent + '};')
            n += 1
            continue
        out.append(line); i += 1
    open(path, 'w').write('\n'.join(out))
    print(f'{path}: {n} fixtures')

for p in sys.argv[1:]:
    process(p)
