//! Native single-thread throughput of `scan` over files given on the command line (or the
//! `SECRETGATE_BENCH_FILES` list): `cargo bench --bench throughput -- FILE...`. Prints MB/s per
//! file and overall; `npm run bench` prints the same for the `.wasm` beside it.

use std::time::Instant;

fn main() {
    let mut files: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if files.is_empty() {
        if let Ok(list) = std::env::var("SECRETGATE_BENCH_FILES") {
            files = list.split(':').map(String::from).collect();
        }
    }
    let mut total_bytes = 0usize;
    let mut total_secs = 0f64;
    for f in &files {
        let Ok(data) = std::fs::read(f) else { continue };
        let opts = secretgate::Options { file: f.clone(), ..Default::default() };
        // Warm up (lazy regexes), then take the best of five.
        let _ = secretgate::scan(&data, &opts);
        let mut best = f64::MAX;
        let mut findings = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let r = secretgate::scan(&data, &opts);
            best = best.min(t.elapsed().as_secs_f64());
            findings = r.findings.len();
        }
        total_bytes += data.len();
        total_secs += best;
        println!("{:>8.1} MB/s  {:>9} bytes  {:>3} findings  {}", data.len() as f64 / best / 1e6, data.len(), findings, f);
    }
    if total_secs > 0.0 {
        println!("{:>8.1} MB/s  overall native", total_bytes as f64 / total_secs / 1e6);
    }
}
