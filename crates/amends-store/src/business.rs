//! The business's own settings that every page, mail and report reads: its currency (an
//! admin sets it; else the configuration's) and its time zone (the business hours').

use serde::Serialize;

use crate::db;
use crate::{Store, StoreError, millis};

/// How the business counts money and time, for showing them to people.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Business {
    /// Three capital letters, such as GBP; None until configured or set.
    pub currency: Option<String>,
    /// The IANA zone of the business hours, such as Europe/London.
    pub zone: String,
    /// The business's name, such as Café Weber; empty when none is configured.
    pub name: String,
    /// How customers reach it (phone · email · web); empty when none is configured.
    pub contact: String,
    /// The business's own language (`[business] language`): what a customer who chose
    /// none, and whose browser names none of ours, is spoken to in.
    pub language: amends_domain::Language,
}

impl Store {
    /// The business as configured, without reading the database: what a customer's
    /// page shows when the database cannot be read.
    pub fn business_configured(&self) -> Business {
        let settings = self.settings();
        Business {
            currency: settings.currency.clone(),
            zone: settings.due.hours.spec().zone.clone(),
            name: settings.business_name.trim().to_owned(),
            contact: settings.business_contact.trim().to_owned(),
            language: settings.business_language,
        }
    }

    /// The business's currency and zone in force: read again after a few seconds (every
    /// message a job writes reads them, some more than once), so another instance's
    /// change shows soon.
    pub async fn business(&self) -> Result<Business, StoreError> {
        let set = match self.kept_currency().fresh() {
            Some(set) => set,
            None => {
                let row = db::query("SELECT currency FROM business_settings WHERE id = 1")
                    .fetch_optional(self.read())
                    .await?;
                let set = row.map(|r| r.try_get::<String, _>(0)).transpose()?;
                self.kept_currency().keep(set.clone());
                set
            }
        };
        let currency = set.or_else(|| self.settings().currency.clone());
        let zone = self.due_policy().await?.hours.spec().zone.clone();
        Ok(Business { currency, zone, ..self.business_configured() })
    }

    /// Sets the business's currency (already parsed by the domain). What is stored keeps
    /// the currency it was recorded in; new gestures and amounts without one use this.
    pub async fn set_currency(&self, currency: &str, by: i64) -> Result<Business, StoreError> {
        db::query(
            "INSERT INTO business_settings (id, currency, updated_by, updated_at) VALUES (1, $1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET currency = $1, updated_by = $2, updated_at = $3",
        )
        .bind(currency)
        .bind(by)
        .bind(millis(self.now()))
        .execute(self.write())
        .await?;
        self.kept_currency().forget();
        self.business().await
    }
}
