// Calls outer -> middle -> leaf (through a generic and a trait method) once, prints the result, lives 0.3 s longer
// and exits. Kernel tests take its user stack in leaf and check that the frames print demangled; test.sh builds it
// twice, with rustc's legacy symbol names (rust_chain) and with its v0 names (rust_chain_v0).
use std::hint::black_box;

trait Scale {
    fn scale(&self, x: u64) -> u64;
}

struct Twice;

impl Scale for Twice {
    #[inline(never)]
    fn scale(&self, x: u64) -> u64 {
        leaf(x) * 2
    }
}

#[inline(never)]
fn leaf(x: u64) -> u64 {
    black_box(x) + 1
}

#[inline(never)]
fn middle<S: Scale>(scale: &S, x: u64) -> u64 {
    scale.scale(x) + 1
}

#[inline(never)]
fn outer(x: u64) -> u64 {
    let add = |y: u64| middle(&Twice, y) + x;
    add(black_box(x))
}

fn main() {
    println!("{}", outer(black_box(1)));
    std::thread::sleep(std::time::Duration::from_millis(300));
}
