// The messages are embedded by `static_loader!` through `include_str!`, which tracks the
// files that exist; a file added to a language's folder must rebuild the crate too.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
