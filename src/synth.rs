//! Synthetic estates. (Work in progress.)
use std::path::Path;

#[derive(Debug, Default)]
pub struct EstateStats {
    pub objects: usize,
    pub files: usize,
    pub bytes: u64,
    pub lines: u64,
}

pub fn write_estate(_dir: &Path, _objects: usize, _seed: u64) -> std::io::Result<EstateStats> {
    Ok(EstateStats::default())
}
