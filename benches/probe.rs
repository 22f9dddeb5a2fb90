fn main() {
    let rules = secretgate::rules::all();
    for round in 0..2 {
        let t = std::time::Instant::now();
        let mut n = 0;
        for r in rules { if r.pattern.is_empty() { continue } let _re = regex::bytes::RegexBuilder::new(r.pattern).unicode(false).size_limit(20 << 20).build().unwrap(); n += 1; }
        eprintln!("round {round}: {n} regexes compiled in {:?}", t.elapsed());
    }
    let mut v: Vec<(std::time::Duration, &str)> = rules.iter().filter(|r| !r.pattern.is_empty()).map(|r| { let t = std::time::Instant::now(); let _re = regex::bytes::RegexBuilder::new(r.pattern).unicode(false).size_limit(20 << 20).build().unwrap(); (t.elapsed(), r.id) }).collect();
    v.sort(); v.reverse();
    for (d, id) in v.iter().take(12) { eprintln!("{:>8.2} ms {id}", d.as_secs_f64() * 1e3); }
    let t = std::time::Instant::now();
    for r in rules { if r.pattern.is_empty() { continue } let _re = regex_automata::meta::Regex::builder().syntax(regex_automata::util::syntax::Config::new().unicode(false).utf8(false)).configure(regex_automata::meta::Config::new().onepass(false).backtrack(false)).build(r.pattern).unwrap(); }
    eprintln!("meta without onepass/backtrack: {:?}", t.elapsed());
}
