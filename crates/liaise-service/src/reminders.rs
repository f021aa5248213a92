//! Deadline reminders of liaison statements: 14, 7 and 1 days before the deadline of an action
//! or comment row still awaiting a reply, and once when it becomes overdue. Sent by SMTP to the
//! people of the addressee body (chairs, rapporteurs, focal points) and the statement's
//! contacts; without a mail server they are recorded for the secretariat to send by hand. Each
//! reminder is recorded once per row and kind, so none is sent twice.

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor, message::Mailbox};
use liaise_domain::{Action, Code, Role, Viewer, authorize, registry::RoleKind};
use liaise_store::queries::liaisons as q;
use time::{Date, OffsetDateTime};

use crate::{Liaise, ServiceError};

/// An SMTP connection for reminders.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// `smtp://host:port` (plain), `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://…`; `from` is the sender address.
    pub fn from_url(url: &str, from: &str) -> Result<Self, ServiceError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| ServiceError::Unavailable(format!("smtp_url: {e}")))?
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| ServiceError::Unavailable(format!("mail_from `{from}`: {e}")))?;
        Ok(Self { transport, from })
    }
}

/// Which reminder is due `days` before a deadline (negative: after it).
pub fn kind_for(days: i64) -> Option<&'static str> {
    match days {
        d if d < 0 => Some("overdue"),
        0..=1 => Some("1d"),
        2..=7 => Some("7d"),
        8..=14 => Some("14d"),
        _ => None,
    }
}

/// A reminder the secretariat has to send itself.
#[derive(Debug, Clone)]
pub struct PendingReminder {
    pub liaison_id: i32,
    pub kind: String,
    pub recipients: String,
    pub subject: String,
    pub body: String,
    pub created_at: OffsetDateTime,
}

impl Liaise {
    /// Records (and, with a mailer, sends) the reminders due on `today`. Answers how many.
    pub async fn run_reminders(
        &self,
        today: Date,
        mailer: Option<&Mailer>,
    ) -> Result<usize, ServiceError> {
        let snap = self.registry().await?;
        let c = self.store.conn();
        let rows = q::rows_due(c, today + time::Duration::days(14)).await?;
        let ids: Vec<i32> = rows.iter().map(|(r, _)| r.id).collect();
        let done = q::reminders_of(c, &ids).await?;
        let mut count = 0;
        for (row, ls) in rows {
            let Some(deadline) = row.deadline else {
                continue;
            };
            let days = (deadline - today).whole_days();
            let Some(kind) = kind_for(days) else { continue };
            if done
                .iter()
                .any(|d| d.addressee_id == row.id && d.kind == kind)
            {
                continue;
            }
            let to_body = snap
                .body_by_id(row.body_id)
                .map_or_else(String::new, |b| b.code.clone());
            let from_bodies: Vec<String> = q::links(c, &[ls.id])
                .await?
                .sources
                .iter()
                .filter_map(|s| snap.body_by_id(s.body_id).map(|b| b.code.clone()))
                .collect();
            // The people who answer for the addressee body, and the statement's contacts.
            let mut recipients: Vec<String> = snap
                .people
                .iter()
                .filter(|p| {
                    p.roles.iter().any(|r| {
                        r.body == to_body
                            && [
                                RoleKind::Chair,
                                RoleKind::CoChair,
                                RoleKind::ViceChair,
                                RoleKind::Rapporteur,
                                RoleKind::FocalPoint,
                            ]
                            .iter()
                            .any(|k| k.as_str() == r.kind)
                            && r.to.is_none_or(|t| today <= t)
                    })
                })
                .filter_map(|p| p.email.clone())
                .collect();
            let contacts: Vec<crate::liaisons::ContactView> =
                serde_json::from_str(&ls.contacts).unwrap_or_default();
            recipients.extend(contacts.into_iter().filter_map(|c| c.email));
            recipients.sort();
            recipients.dedup();
            let number = ls.number.clone().unwrap_or_else(|| format!("#{}", ls.id));
            let subject = if kind == "overdue" {
                format!(
                    "Overdue: {number} for {} by {to_body}, deadline {deadline}",
                    row.purpose
                )
            } else {
                format!(
                    "Reminder: {number} for {} by {to_body}, deadline {deadline}",
                    row.purpose
                )
            };
            let when = if days < 0 {
                format!("The deadline passed {} day(s) ago without a reply.", -days)
            } else {
                format!("The reply is due in {days} day(s).")
            };
            // Its page, by its number where that names it, else by id.
            let key = ls
                .number
                .clone()
                .filter(|n| crate::liaisons::reference_is_path_safe(n))
                .unwrap_or_else(|| ls.id.to_string());
            let link = self.absolute(&format!("/liaisons/{key}"));
            let body = format!(
                "Liaison statement {number}: {}\nFrom: {}\nTo: {to_body} (for {}, deadline {deadline})\n\n{when}\n\n{link}\n",
                ls.title,
                from_bodies.join(", "),
                row.purpose,
            );
            let mut sent_at = None;
            if let Some(mailer) = mailer.filter(|_| !recipients.is_empty()) {
                let mut builder = Message::builder()
                    .from(mailer.from.clone())
                    .subject(subject.clone());
                for r in &recipients {
                    if let Ok(mb) = r.parse::<Mailbox>() {
                        builder = builder.to(mb);
                    }
                }
                let message = builder
                    .body(body.clone())
                    .map_err(|e| ServiceError::Internal(format!("reminder message: {e}")))?;
                match mailer.transport.send(message).await {
                    Ok(_) => sent_at = Some(OffsetDateTime::now_utc()),
                    Err(e) => {
                        // Not recorded: the next run tries again.
                        tracing::warn!(error = %e, number, "sending a reminder");
                        continue;
                    }
                }
            }
            let tx = self.store.begin().await?;
            q::insert_reminder(
                &tx,
                &q::ReminderRow {
                    liaison_id: ls.id,
                    addressee_id: row.id,
                    kind,
                    recipients: &recipients.join(", "),
                    subject: &subject,
                    body: &body,
                    sent_at,
                },
                OffsetDateTime::now_utc(),
            )
            .await?;
            tx.commit().await.map_err(liaise_store::StoreError::from)?;
            count += 1;
        }
        Ok(count)
    }

    /// Reminders waiting for the secretariat to send by hand (no mail server), of the
    /// statements its organization owns; administrators see all.
    pub async fn pending_reminders(
        &self,
        viewer: &Viewer,
    ) -> Result<Vec<PendingReminder>, ServiceError> {
        let allowed = matches!(&viewer.role, Role::Admin | Role::Secretariat(_));
        if !allowed {
            return Err(if viewer.is_anonymous() {
                ServiceError::Unauthenticated
            } else {
                ServiceError::Forbidden
            });
        }
        let c = self.store.conn();
        let all = q::unsent_reminders(c).await?;
        let ids: Vec<i32> = all.iter().map(|r| r.liaison_id).collect();
        let owners = q::links(c, &ids).await?.organizations;
        let snap = self.registry().await?;
        Ok(all
            .into_iter()
            .filter(|r| {
                let orgs: Vec<Code> = owners
                    .iter()
                    .filter(|o| o.liaison_id == r.liaison_id)
                    .filter_map(|o| snap.organization_by_id(o.organization_id))
                    .filter_map(|o| Code::parse("organization", &o.code).ok())
                    .collect();
                authorize(viewer, &Action::EditRegistry { owners: &orgs }).is_ok()
                    && !orgs.is_empty()
            })
            .map(|r| PendingReminder {
                liaison_id: r.liaison_id,
                kind: r.kind,
                recipients: r.recipients,
                subject: r.subject,
                body: r.body,
                created_at: r.created_at,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        for (days, kind) in [
            (20, None),
            (15, None),
            (14, Some("14d")),
            (8, Some("14d")),
            (7, Some("7d")),
            (2, Some("7d")),
            (1, Some("1d")),
            (0, Some("1d")),
            (-1, Some("overdue")),
        ] {
            assert_eq!(kind_for(days), kind, "{days}");
        }
    }
}
