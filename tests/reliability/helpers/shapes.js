'use strict'
// Nesting shapes for the deep-nesting tests and tests/reliability/helpers/measure-depth.js: each
// makes source text nesting (or chaining) `n` times. swc parses and visits recursively, so every
// one of them is a way to exhaust the WebAssembly stack unless the core's guard catches it.
// `file` picks the dialect (a .ts/.tsx name parses TypeScript).

const shapes = {
  brackets: (n) => `x=${'['.repeat(n)}1${']'.repeat(n)};`,
  parens: (n) => `x=${'('.repeat(n)}1${')'.repeat(n)};`,
  objects: (n) => `x=${'{a:'.repeat(n)}1${'}'.repeat(n)};`,
  calls: (n) => `x=${'f('.repeat(n)}1${')'.repeat(n)};`,
  'index access': (n) => `x=${'a['.repeat(n)}1${']'.repeat(n)};`,
  templates: (n) => `x=${'`${'.repeat(n)}1${'}`'.repeat(n)};`,
  'tagged templates': (n) => `x=${'t`${'.repeat(n)}1${'}`'.repeat(n)};`,
  ternaries: (n) => `x=${'a?b:'.repeat(n)}0;`,
  'nested ternaries': (n) => `x=${'a?'.repeat(n)}1${':0'.repeat(n)};`,
  arrows: (n) => `x=${'()=>'.repeat(n)}1;`,
  'bare arrows': (n) => `x=${'a=>'.repeat(n)}1;`,
  'async arrows': (n) => `x=${'async()=>'.repeat(n)}1;`,
  functions: (n) => `x=${'function(){return '.repeat(n)}1${'}'.repeat(n)};`,
  blocks: (n) => `${'{'.repeat(n)}a;${'}'.repeat(n)}`,
  'not chain': (n) => `x=${'!'.repeat(n)}a;`,
  'minus chain': (n) => `x=${'- '.repeat(n)}a;`,
  'tilde chain': (n) => `x=${'~'.repeat(n)}a;`,
  'typeof chain': (n) => `x=${'typeof '.repeat(n)}a;`,
  'void chain': (n) => `x=${'void '.repeat(n)}0;`,
  'delete chain': (n) => `x=${'delete '.repeat(n)}a.b;`,
  'new new': (n) => `x=${'new '.repeat(n)}A;`,
  'await chain': (n) => `async function f(){x=${'await '.repeat(n)}a}`,
  'yield chain': (n) => `function*g(){x=${'yield '.repeat(n)}a}`,
  'plus chain': (n) => `x="a"${'+"a"'.repeat(n)};`,
  'or chain': (n) => `x=a${'||a'.repeat(n)};`,
  'nullish chain': (n) => `x=a${'??a'.repeat(n)};`,
  'assignment chain': (n) => `${'a='.repeat(n)}1;`,
  'comma sequence': (n) => `x=(${'a,'.repeat(n)}a);`,
  'member chain': (n) => `x=a${'.b'.repeat(n)};`,
  'call chain': (n) => `x=f${'()'.repeat(n)};`,
  'optional chain': (n) => `x=a${'?.b'.repeat(n)};`,
  spread: (n) => `x=${'[...'.repeat(n)}a${']'.repeat(n)};`,
  'object patterns': (n) => `(${'{a:'.repeat(n)}b${'}'.repeat(n)}=x);`,
  'array patterns': (n) => `${'['.repeat(n)}b${']'.repeat(n)}=x;`,
  'default params': (n) => `x=${'(a=()=>'.repeat(n)}1${')=>1'.repeat(n)};`,
  'class bodies': (n) => `x=${'class{m(){return '.repeat(n)}class{}${'}}'.repeat(n)};`,
  'class extends': (n) => `x=${'class extends '.repeat(n)}A{};`,
  'if if': (n) => `${'if(a)'.repeat(n)}b;`,
  'else if': (n) => `if(a){}${'else if(a){}'.repeat(n)}`,
  'else if unbraced': (n) => `if(a)b;${'else if(a)b;'.repeat(n)}`,
  'function bodies': (n) => `${'function f(a=1){if(a){'.repeat(n)}b${'}}'.repeat(n)}`,
  'while while': (n) => `${'while(a)'.repeat(n)}b;`,
  'for for': (n) => `${'for(;;)'.repeat(n)}b;`,
  'do do': (n) => `${'do '.repeat(n)}b;${' while(0)'.repeat(n)}`,
  labels: (n) => `${'l: '.repeat(n)}b;`,
  jsx: (n) => `x=${'<a>'.repeat(n)}${'</a>'.repeat(n)};`,
  'jsx expressions': (n) => `x=${'<a>{'.repeat(n)}1${'}</a>'.repeat(n)};`,
  'ts generics': { file: 'deep.ts', make: (n) => `let x: ${'A<'.repeat(n)}B${'>'.repeat(n)};` },
  'ts object types': { file: 'deep.ts', make: (n) => `type T = ${'{a:'.repeat(n)}1${'}'.repeat(n)};` },
  'ts unions': { file: 'deep.ts', make: (n) => `type T = ${'('.repeat(n)}A${')'.repeat(n)};` },
}

/** [{ name, file, make }] */
function list() {
  return Object.entries(shapes).map(([name, v]) => (typeof v === 'function' ? { name, file: 'deep.js', make: v } : { name, ...v }))
}

module.exports = { list }
