//! The rows of `events.csv`, packed: one fixed-size entry per row and one text buffer holding every row's id
//! and message back to back.
//!
//! A run of a week on a thousand instances records a few hundred thousand rows. Holding each as three
//! `String`s would cost three allocations per row on the hot path (STYLE.md §14) and some 100 bytes of
//! overhead; here a row is an entry of 40 bytes plus its text, the kind is a `&'static str` (kinds are a
//! closed set of literals) and the message is formatted straight into the shared buffer, so recording a row
//! allocates nothing once the two vectors have grown.

use std::fmt::{self, Write as _};

use crate::engine::SimTime;

use super::recorded::Scope;

/// One row of `events.csv`, borrowed from the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRow<'a> {
    /// When it happened.
    pub time: SimTime,
    /// What it is about.
    pub scope: Scope,
    /// The service, instance, task ... identifier.
    pub id: &'a str,
    /// A short machine-readable kind (`SERVICE_STEADY_STATE`, `TASKS_STOPPED`, `INSTANCE_LAUNCHED`, ...).
    pub kind: &'static str,
    /// The sentence, in ECS's own words where ECS has them.
    pub message: &'a str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Packed {
    time: SimTime,
    kind: &'static str,
    /// Where the id starts in `text`; the message starts at `message` and ends where the next row's id
    /// starts (or at the end of `text`).
    id: u32,
    message: u32,
    scope: Scope,
}

/// The story of a run in order of occurrence.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EventLog {
    rows: Vec<Packed>,
    text: String,
}

impl EventLog {
    /// An empty log.
    pub fn new() -> EventLog {
        EventLog::default()
    }

    /// Appends a row whose id and message are formatted into the log's own buffer.
    pub fn push(
        &mut self,
        time: SimTime,
        scope: Scope,
        id: impl fmt::Display,
        kind: &'static str,
        message: fmt::Arguments<'_>,
    ) {
        let id_at = self.offset();
        write!(self.text, "{id}").expect("writing to a String cannot fail");
        let message_at = self.offset();
        self.text
            .write_fmt(message)
            .expect("writing to a String cannot fail");
        self.rows.push(Packed {
            time,
            kind,
            id: id_at,
            message: message_at,
            scope,
        });
    }

    /// Appends a copy of `row`.
    pub fn push_row(&mut self, row: EventRow<'_>) {
        self.push(
            row.time,
            row.scope,
            row.id,
            row.kind,
            format_args!("{}", row.message),
        );
    }

    fn offset(&self) -> u32 {
        u32::try_from(self.text.len()).expect("the event log holds less than 4 GiB of text")
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `i`.
    pub fn get(&self, i: usize) -> Option<EventRow<'_>> {
        let p = self.rows.get(i)?;
        let end = self
            .rows
            .get(i + 1)
            .map_or(self.text.len(), |next| next.id as usize);
        Some(EventRow {
            time: p.time,
            scope: p.scope,
            id: &self.text[p.id as usize..p.message as usize],
            kind: p.kind,
            message: &self.text[p.message as usize..end],
        })
    }

    /// The rows in the order they were pushed.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = EventRow<'_>> + '_ {
        (0..self.rows.len()).map(|i| self.get(i).expect("i < len"))
    }

    /// The rows in time order, ties in the order they were pushed (a run pushes them in that order; a
    /// stable sort repairs a log built otherwise).
    pub fn in_time_order(&self) -> Vec<EventRow<'_>> {
        let mut rows: Vec<EventRow<'_>> = self.iter().collect();
        if !rows.is_sorted_by_key(|r| r.time) {
            rows.sort_by_key(|r| r.time);
        }
        rows
    }

    /// The last row, if any.
    pub fn last(&self) -> Option<EventRow<'_>> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }
}

impl<'a> FromIterator<EventRow<'a>> for EventLog {
    fn from_iter<I: IntoIterator<Item = EventRow<'a>>>(rows: I) -> EventLog {
        let mut log = EventLog::new();
        for row in rows {
            log.push_row(row);
        }
        log
    }
}

impl fmt::Debug for EventLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_back_as_pushed_including_empty_ids_and_messages() {
        let mut log = EventLog::new();
        log.push(
            SimTime::from_secs(1),
            Scope::Service,
            "web",
            "SERVICE_STEADY_STATE",
            format_args!("service web has reached a steady state."),
        );
        log.push(
            SimTime::from_secs(2),
            Scope::Cluster,
            "",
            "EVENT_SHORT",
            format_args!(""),
        );
        log.push(
            SimTime::from_secs(3),
            Scope::Instance,
            "i-1",
            "INSTANCE_LAUNCHED",
            format_args!("{} launched {}", "m5.large", 42),
        );
        let rows: Vec<EventRow<'_>> = log.iter().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].id, "web");
        assert_eq!(rows[0].message, "service web has reached a steady state.");
        assert_eq!((rows[1].id, rows[1].message), ("", ""));
        assert_eq!(rows[2].message, "m5.large launched 42");
        assert_eq!(log.last(), Some(rows[2]));
        assert_eq!(log.iter().collect::<EventLog>(), log);
    }
}
