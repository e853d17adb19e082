//! Rebuilds the crate when embedded data changes: `sqlx::migrate!` embeds `migrations/` and
//! `include_dir!` embeds `faq/`, `templates/` and `examples/` at compile time.

fn main() {
    for dir in ["migrations", "templates", "faq", "examples"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
