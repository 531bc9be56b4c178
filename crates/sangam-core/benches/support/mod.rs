//! What the core benches share: a real home whose member, Asha, a founder admitted into a
//! co-op the bench then fills in memory and hands over as one bundle.

use sangam_core::{Clock, Home, SystemClock};
use sangam_model::Body;
use sangam_model::body::MemberAdmit;
use sangam_replica::Replica;
use sangam_testkit::{Person, found};

/// A large co-op being built for a real home.
pub struct Setup {
    /// Keeps the home's directory for the bench's life.
    pub _dir: tempfile::TempDir,
    /// The home, with Asha's identity (not yet holding the co-op).
    pub home: Home,
    /// The founder, who writes the co-op's records.
    pub founder: Person,
    /// The co-op so far: founded an hour ago, Asha admitted.
    pub replica: Replica,
    /// When it was founded (ms); records after it are dated from here.
    pub now: i64,
}

pub fn setup() -> Setup {
    let dir = tempfile::TempDir::new().expect("tmp");
    let home =
        Home::open_with_clock(&dir.path().join("a"), Box::<SystemClock>::default()).expect("open");
    home.create_identity("Asha").expect("identity");
    let me = home.identity().expect("id").member.parse().expect("key");
    let founder = Person::seeded(1, "Founder");
    let now = SystemClock::default().now() - 3_600_000;
    let (mut replica, _) = found(&founder, now);
    let admit = Body::MemberAdmit(MemberAdmit {
        member: me,
        name: "Asha".into(),
    });
    replica
        .write(admit, &founder.member, &founder.device, now + 1)
        .expect("admit");
    Setup {
        _dir: dir,
        home,
        founder,
        replica,
        now,
    }
}
