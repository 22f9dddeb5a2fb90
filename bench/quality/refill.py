# Resets the examples of the given rule ids to GEN/NEG so fill-examples.js writes fresh ones.
import re, sys, glob
ids = set(sys.argv[1:])
for p in glob.glob('src/rules/*.rs'):
    s = open(p).read()
    parts = re.split(r'(?=\n    rule! \{)', s)
    out = []
    for b in parts:
        m = re.search(r'id: "([^"]+)"', b)
        if m and m.group(1) in ids:
            b = re.sub(r'examples: &\[(?:"(?:[^"\\]|\\.)*",?\s*)*\],\s*negatives: &\[(?:"(?:[^"\\]|\\.)*",?\s*)*\]', 'examples: &[GEN], negatives: &[NEG]', b, flags=re.S)
        out.append(b)
    open(p, 'w').write(''.join(out))
