//! Seeds a Shelf database with listed products (and pending submissions for the review queue)
//! through the persistence crate, in batched transactions. Prints a sample of the ids it wrote.
//!
//! `shelf-seed --database-url bench.db --products 1000000`

use std::io::Write;
use std::sync::mpsc;
use std::time::Instant;

use chrono::{Duration, Utc};
use clap::Parser;
use diesel::connection::SimpleConnection;
use rand::SeedableRng;
use rand::rngs::StdRng;
use shelf_persistence::bulk::{self, Submission};
use shelf_persistence::files::BlobStore;
use shelf_persistence::{Backend, Db, Error};

#[derive(Parser)]
struct Args {
    /// `postgres://…` or an SQLite file.
    #[arg(long, env = "SHELF_DATABASE_URL", default_value = "shelf.db")]
    database_url: String,
    /// Listed products to write (about 2% are hidden, as their content says).
    #[arg(long, default_value_t = 10_000)]
    products: u64,
    /// Pending submissions in the review queue (default: 1% of the products, at least 1,000).
    #[arg(long)]
    pending: Option<u64>,
    /// Sellers the products are spread over.
    #[arg(long, default_value_t = 1_000)]
    sellers: u64,
    /// Products per transaction.
    #[arg(long, default_value_t = 2_000)]
    batch: u64,
    /// Write up to this many product ids (random sample) here, one per line.
    #[arg(long)]
    ids_out: Option<std::path::PathBuf>,
    /// Random seed (the same seed writes the same content).
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

const SAMPLE: usize = 100_000;

fn submission(
    rng: &mut StdRng,
    n: u64,
    sellers: u64,
    files: &[(shelf_domain::application::SnapshotFile, Vec<u8>)],
) -> Submission {
    let submitted_at = Utc::now() - Duration::minutes((n % 525_600) as i64);
    Submission {
        seller_id: format!("seller-{:05}", n % sellers),
        snapshot: shelf_bench::snapshot(shelf_bench::content(rng, n), files),
        submitted_at,
        due_at: submitted_at + Duration::days(3),
        extended_review: false,
    }
}

fn main() -> Result<(), Error> {
    let args = Args::parse();
    // One connection, so that its settings hold for every batch.
    let db = Db::open(&args.database_url, Some(1))?;
    db.migrate()?;
    if db.backend() == Backend::Sqlite {
        // Indexes of a million products do not fit SQLite's default 2 MiB page cache.
        db.read(|c| Ok(c.batch_execute("PRAGMA cache_size = -524288")?))?;
        // A bulk load into a file nobody else has open: each page written once (no WAL to copy back),
        // no syncs. An interrupted seed leaves a broken file, which the bench never uses (no `.done`).
        db.read(|c| Ok(c.batch_execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")?))?;
    }
    let files = shelf_bench::files();
    db.write(|c| files.iter().try_for_each(|(f, bytes)| BlobStore::database().put(c, &f.sha256, bytes)))?;
    let pending = args.pending.unwrap_or((args.products / 100).max(1_000));
    let started = Instant::now();

    // One thread renders content, this one writes: the two overlap on two cores.
    let (tx, rx) = mpsc::sync_channel::<(bool, Vec<Submission>)>(2);
    let (products, sellers, batch, seed) = (args.products, args.sellers.max(1), args.batch.max(1), args.seed);
    let generator_files = files.clone();
    let generator = std::thread::spawn(move || {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut n = 0;
        for (approved, total) in [(true, products), (false, pending)] {
            let mut left = total;
            while left > 0 {
                let size = left.min(batch);
                let chunk = (0..size).map(|i| submission(&mut rng, n + i, sellers, &generator_files)).collect();
                n += size;
                left -= size;
                if tx.send((approved, chunk)).is_err() {
                    return;
                }
            }
        }
    });
    let mut sample = Vec::new();
    let (mut written, mut queued) = (0u64, 0u64);
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    for (approved, chunk) in rx {
        if approved {
            let ids = db.write(|c| bulk::import_approved(c, &chunk, "reviewer-seed", Utc::now()))?;
            for id in ids {
                written += 1;
                // Reservoir sampling: every product equally likely to be in the sample.
                if sample.len() < SAMPLE {
                    sample.push(id);
                } else {
                    let slot = rand::Rng::random_range(&mut rng, 0..written) as usize;
                    if slot < SAMPLE {
                        sample[slot] = id;
                    }
                }
            }
            if written % 100_000 < batch {
                eprintln!("{written} products in {:.1}s", started.elapsed().as_secs_f64());
            }
        } else {
            queued += db.write(|c| bulk::import_pending(c, &chunk))?.len() as u64;
        }
    }
    generator.join().expect("the generator thread");
    while shelf_persistence::notifications::sequence_committed_events(&db)? > 0 {}
    // A bulk load ends with its search index in one segment, as a running server's merging leaves it.
    db.write(shelf_persistence::products::optimize_search_index)?;
    if db.backend() == Backend::Postgres {
        // And vacuumed, with the planner's statistics, as autovacuum would leave it a little later:
        // without statistics PostgreSQL takes every fresh table for a few hundred rows (a search then
        // scanned the whole listing: 78 ms instead of 0.6 ms at 10,000 products); without the vacuum
        // the events' numbering leaves a dead row per event (three million at a million products),
        // which the first server's follower then wades through (an approval seen on the other
        // instance 2.9 s late in the first run on such a database, bench/HISTORY.md). Not every
        // PostgreSQL runs autovacuum (these machines' does not).
        db.read(|c| Ok(c.batch_execute("VACUUM ANALYZE")?))?;
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "seeded {written} products and {queued} pending submissions in {seconds:.1}s ({:.0} products/s)",
        written as f64 / seconds
    );
    if let Some(path) = args.ids_out {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(|e| Error::Config(e.to_string()))?);
        for id in &sample {
            writeln!(out, "{id}").map_err(|e| Error::Config(e.to_string()))?;
        }
    }
    Ok(())
}
