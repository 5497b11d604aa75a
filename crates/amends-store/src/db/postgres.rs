//! PostgreSQL through sqlx's native driver: statements are prepared once per connection
//! and cached, rows are read in place.

use sqlx::postgres::{PgArguments, PgValueRef};
use sqlx::{Arguments, Decode, Postgres, TypeInfo, ValueRef};

use super::{BoxError, DbError, Done, Param, Query, Row, Want};

pub(super) async fn run<'e, E>(on: E, query: &Query<'_>, want: Want) -> Result<(Vec<Row>, Done), DbError>
where
    E: sqlx::PgExecutor<'e>,
{
    let mut args = PgArguments::default();
    for param in &query.params {
        let added = match param {
            Param::Int(v) => args.add(*v),
            Param::Real(v) => args.add(*v),
            Param::Bool(v) => args.add(*v),
            Param::Text(v) => args.add(v.as_deref()),
            Param::Bytes(v) => args.add(v.as_deref()),
        };
        added.map_err(sqlx::Error::Encode)?;
    }
    // An unnamed statement is planned with its values at every run.
    let statement = sqlx::query_with(query.sql, args).persistent(!query.plan_each_time);
    match want {
        Want::Nothing => {
            let done = statement.execute(on).await?;
            Ok((Vec::new(), Done { rows_affected: done.rows_affected() }))
        }
        Want::First => {
            let row = statement.fetch_optional(on).await?;
            Ok((row.map(Row::Postgres).into_iter().collect(), Done { rows_affected: 0 }))
        }
        Want::All => {
            let rows = statement.fetch_all(on).await?;
            Ok((rows.into_iter().map(Row::Postgres).collect(), Done { rows_affected: 0 }))
        }
    }
}

pub(super) fn not_null(value: &PgValueRef<'_>) -> Result<(), BoxError> {
    if value.is_null() { Err("NULL where a value was expected".into()) } else { Ok(()) }
}

/// An integer from any of PostgreSQL's integer types.
pub(super) fn integer(value: PgValueRef<'_>) -> Result<i64, BoxError> {
    not_null(&value)?;
    let kind = value.type_info().name().to_owned();
    match kind.as_str() {
        "INT8" => <i64 as Decode<Postgres>>::decode(value),
        "INT4" => Ok(i64::from(<i32 as Decode<Postgres>>::decode(value)?)),
        "INT2" => Ok(i64::from(<i16 as Decode<Postgres>>::decode(value)?)),
        "BOOL" => Ok(i64::from(<bool as Decode<Postgres>>::decode(value)?)),
        other => Err(format!("{other} where an integer was expected").into()),
    }
}

pub(super) fn boolean(value: PgValueRef<'_>) -> Result<bool, BoxError> {
    not_null(&value)?;
    if value.type_info().name() == "BOOL" {
        <bool as Decode<Postgres>>::decode(value)
    } else {
        Ok(integer(value)? != 0)
    }
}

pub(super) fn real(value: PgValueRef<'_>) -> Result<f64, BoxError> {
    not_null(&value)?;
    let kind = value.type_info().name().to_owned();
    match kind.as_str() {
        "FLOAT8" => <f64 as Decode<Postgres>>::decode(value),
        "FLOAT4" => Ok(f64::from(<f32 as Decode<Postgres>>::decode(value)?)),
        _ => Ok(integer(value)? as f64),
    }
}
