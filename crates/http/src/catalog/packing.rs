//! Catalog entries as the cache holds them: zstd-compressed with a dictionary trained on the first
//! entries the cache was given. One entry alone compresses poorly (2.4 KiB of JSON to 1.1 KiB, gzip
//! or zstd alike: most of it is prose and codes seen once), but entries share their keys, their
//! shape and much of their wording, and a dictionary holds what they share: on the seeded catalog
//! an entry packs to about 180 bytes and unpacks in 6,400 instructions, about two microseconds
//! (bench/HISTORY.md, which also gives the 990 bytes of a dictionary of the schema's keys alone,
//! for entries that share nothing else). Until the dictionary is trained (a thread of its own, a few
//! tens of milliseconds) entries are held as they are.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::web::Bytes;
use zstd::zstd_safe::{self, CCtx, CDict, DCtx, DDict};

/// How many entries the dictionary is trained on, and at most how many bytes of them.
const SAMPLES: usize = 512;
const SAMPLE_BYTES: usize = 2 << 20;
/// The dictionary's size (on the seeded catalog 8 KiB packs an entry to 147 bytes, 16 KiB to 137,
/// 64 KiB to 128).
const DICTIONARY_BYTES: usize = 32 << 10;
/// The most a thread's packing buffer keeps between entries.
const KEPT_BUFFER_BYTES: usize = 64 << 10;
/// zstd's fastest level: an entry is packed once per miss, unpacked on every hit.
const LEVEL: i32 = 1;

/// A trained dictionary, prepared both ways (shared by every thread: zstd's prepared dictionaries
/// are read-only).
pub struct Dictionary {
    compress: CDict<'static>,
    decompress: DDict<'static>,
}

impl Dictionary {
    pub fn new(trained: &[u8]) -> Dictionary {
        Dictionary { compress: CDict::create(trained, LEVEL), decompress: DDict::create(trained) }
    }
}

thread_local! {
    /// A context and a buffer to pack into: the packed entry is then copied out at its size (an
    /// allocation of the bound shrunk in place leaves a hole of the rest beside every held entry).
    static COMPRESSOR: RefCell<(CCtx<'static>, Vec<u8>)> = RefCell::new((CCtx::create(), Vec::new()));
    static DECOMPRESSOR: RefCell<DCtx<'static>> = RefCell::new(DCtx::create());
}

/// Bytes as held: as they are, or packed with the packer's dictionary (and their length unpacked).
/// Sized to sit in the cache's list node: the packer's one dictionary is not pointed to per entry.
#[derive(Clone)]
pub enum Form {
    Plain(Box<[u8]>),
    Packed { bytes: Box<[u8]>, len: u32 },
}

impl Form {
    /// The bytes it takes.
    pub fn bytes(&self) -> usize {
        match self {
            Form::Plain(bytes) | Form::Packed { bytes, .. } => bytes.len(),
        }
    }
}

impl std::fmt::Debug for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Form::Plain(bytes) => write!(f, "Plain({} bytes)", bytes.len()),
            Form::Packed { bytes, len, .. } => write!(f, "Packed({} bytes of {len})", bytes.len()),
        }
    }
}

/// Entries collected for training, then none.
enum Samples {
    Collecting { data: Vec<u8>, sizes: Vec<usize> },
    Given,
}

/// Packs entries once its dictionary is trained; until then it keeps a sample of what it is given and
/// trains on a thread of its own once it has enough.
pub struct Packer {
    dictionary: Arc<OnceLock<Dictionary>>,
    samples: Mutex<Samples>,
    wanted: usize,
}

impl Packer {
    /// Trains on the first `SAMPLES` entries it is given.
    pub fn new() -> Packer {
        Packer::training_on(SAMPLES)
    }

    /// Trains on the first `samples` entries it is given (none: never packs).
    pub fn training_on(samples: usize) -> Packer {
        let samples_state = match samples {
            0 => Samples::Given,
            _ => Samples::Collecting { data: Vec::new(), sizes: Vec::new() },
        };
        Packer { dictionary: Arc::new(OnceLock::new()), samples: Mutex::new(samples_state), wanted: samples }
    }

    /// Whether entries are packed yet.
    pub fn trained(&self) -> bool {
        self.dictionary.get().is_some()
    }

    /// `json` as the cache should hold it.
    pub fn pack(&self, json: &[u8]) -> Form {
        let Some(dictionary) = self.dictionary.get() else {
            self.sample(json);
            return Form::Plain(json.into());
        };
        let Ok(len) = u32::try_from(json.len()) else { return Form::Plain(json.into()) };
        let packed = COMPRESSOR.with_borrow_mut(|(context, buffer)| {
            buffer.clear();
            buffer.reserve(zstd_safe::compress_bound(json.len()));
            let packed = match context.compress_using_cdict(buffer, json, &dictionary.compress) {
                Ok(n) if n < json.len() => Some(Box::<[u8]>::from(&buffer[..n])),
                _ => None,
            };
            // An entry far larger than most (up to the body limit) leaves no buffer its size behind.
            if buffer.capacity() > KEPT_BUFFER_BYTES {
                *buffer = Vec::new();
            }
            packed
        });
        match packed {
            Some(bytes) => Form::Packed { bytes, len },
            None => Form::Plain(json.into()),
        }
    }

    /// The bytes `form` holds; `None` if a packed form does not unpack to its length (it always
    /// should: only this packer's one dictionary packs).
    pub fn unpack(&self, form: Form) -> Option<Bytes> {
        match form {
            Form::Plain(bytes) => Some(Bytes::from(bytes)),
            Form::Packed { bytes, len } => {
                let dictionary = self.dictionary.get()?;
                let mut json = Vec::with_capacity(len as usize);
                let unpacked = DECOMPRESSOR
                    .with_borrow_mut(|d| d.decompress_using_ddict(&mut json, &bytes, &dictionary.decompress));
                (unpacked.ok() == Some(len as usize)).then(|| Bytes::from(json))
            }
        }
    }

    fn sample(&self, json: &[u8]) {
        let mut samples = self.samples.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Samples::Collecting { data, sizes } = &mut *samples else { return };
        let fits = data.len() + json.len() <= SAMPLE_BYTES;
        if fits {
            data.extend_from_slice(json);
            sizes.push(json.len());
            if sizes.len() < self.wanted {
                return;
            }
        }
        let Samples::Collecting { data, sizes } = std::mem::replace(&mut *samples, Samples::Given) else { return };
        drop(samples);
        let dictionary = self.dictionary.clone();
        let trainer = std::thread::Builder::new().name("catalog-dictionary".into()).spawn(move || {
            match zstd::dict::from_continuous(&data, &sizes, DICTIONARY_BYTES) {
                Ok(trained) => {
                    let _ = dictionary.set(Dictionary::new(&trained));
                    log::info!("catalog cache: entries packed with a {} byte dictionary", trained.len());
                }
                Err(e) => log::warn!(
                    "catalog cache: no dictionary from {} entries ({e}); entries stay as they are",
                    sizes.len()
                ),
            }
        });
        if let Err(e) = trainer {
            log::warn!("catalog cache: cannot start the dictionary's trainer ({e}); entries stay as they are");
        }
    }
}

impl Default for Packer {
    fn default() -> Packer {
        Packer::new()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// Entries alike in shape and wording, each with something of its own.
    pub(crate) fn entry(i: usize) -> Bytes {
        Bytes::from(format!(
            r#"{{"id":"product-{i}","status":"on_sale","content":{{"name":"Service {i}","summary":"Migration of {} databases","description":"We migrate your databases with a fixed scope, a named project manager and weekly reports; item {i}.","specifications":[{{"key":"s{}","skus":[{{"code":"{:016x}","price":{{"model":"flat","amounts":{{"month":{}}}}}}}]}}]}},"billing_modes":["monthly"]}}"#,
            i % 7,
            i % 3,
            i.wrapping_mul(0x9e37_79b9_7f4a_7c15),
            1000 + i
        ))
    }

    pub(crate) fn trained(packer: &Packer) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !packer.trained() {
            assert!(Instant::now() < deadline, "no dictionary after 10 s");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn entries_are_held_as_they_are_until_the_dictionary_is_trained_then_packed_and_read_back_the_same() {
        let packer = Packer::training_on(200);
        let early = packer.pack(&entry(0));
        assert!(matches!(early, Form::Plain(_)));
        for i in 1..200 {
            packer.pack(&entry(i));
        }
        trained(&packer);
        for i in [0, 5, 1_000, 123_456] {
            let form = packer.pack(&entry(i));
            assert!(matches!(form, Form::Packed { .. }), "{form:?}");
            assert!(form.bytes() * 3 < entry(i).len(), "{form:?} of {} bytes", entry(i).len());
            assert_eq!(packer.unpack(form).unwrap(), entry(i));
        }
        assert_eq!(packer.unpack(early).unwrap(), entry(0));
    }

    #[test]
    fn a_packer_given_no_samples_never_trains() {
        let packer = Packer::training_on(0);
        for i in 0..50 {
            assert!(matches!(packer.pack(&entry(i)), Form::Plain(_)));
        }
        std::thread::sleep(Duration::from_millis(20));
        assert!(!packer.trained());
    }

    #[test]
    fn what_does_not_pack_smaller_is_held_as_it_is() {
        let packer = Packer::training_on(200);
        (0..200).for_each(|i| drop(packer.pack(&entry(i))));
        trained(&packer);
        assert!(matches!(packer.pack(b"{}"), Form::Plain(json) if &*json == b"{}"));
    }
}
