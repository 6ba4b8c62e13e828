{#- What the weekly marts were computed from, fingerprinted, so that the
    next scheduled run can tell what changed and recompute the weekly marts
    only from the earliest snapshot a change can reach. One row per:
      - ledger entry: what it is (changes reach back to its posting date)
        and how its lettering group settles it (its lettering code counts
        only through that: the weekly tables do not show it) (changes reach back to the
        earlier of the old and new effective dates: lettering an old
        invoice this week restates this week, not the invoice's life);
      - dunning extract (a full picture): changes reach back to its date;
      - customer (name, group, segment, collector, credit and insured
        limits, shown on every week of the customer-week layer): from the start;
      - build settings (vars, model code, the snapshot spine's first date):
        from the start;
      - the latest snapshot (the as-of date): from the earlier of the two.
    A change date of null means "from the first snapshot". -#}
{{ config(materialized='table') }}

with

entries as (
    select * from {{ ref('stg_ledger__entries') }}
),

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
),

document_states as (
    select * from {{ ref('stg_dunning__document_states') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

spine as (
    select
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as latest_snapshot_date
    from snapshots
),

fingerprints as (
    select
        'entry' as fingerprint_kind,
        entries.company_code,
        entries.entry_id as fingerprint_key,
        cast({{ ar_row_hash([
            'entries.customer_code', 'entries.document_number', 'entries.document_type', 'entries.item_side',
            'entries.posting_date', 'entries.due_date', 'entries.amount',
            'entries.reference']) }} as decimal(38, 0)) as change_fingerprint,
        entries.posting_date as change_date,
        cast({{ ar_row_hash(['settlements.effective_date', 'settlements.residual_amount']) }} as decimal(38, 0))
            as settlement_fingerprint,
        settlements.effective_date as settlement_date
    from entries
    left join settlements
        on
            entries.company_code = settlements.company_code
            and entries.entry_id = settlements.entry_id

    union all

    select
        'dunning_extract' as fingerprint_kind,
        company_code,
        cast(extracted_at as {{ dbt.type_string() }}) as fingerprint_key,
        sum(cast({{ ar_row_hash([
            'customer_code', 'document_number', 'dunning_status', 'dunning_level', 'blocking_cause',
            'collector', 'promised_date', 'promised_amount', 'last_action_date',
            'last_action_type']) }} as decimal(38, 0))) + count(*)
            as change_fingerprint,
        extracted_at as change_date,
        cast(null as decimal(38, 0)) as settlement_fingerprint,
        cast(null as date) as settlement_date
    from document_states
    group by company_code, extracted_at

    union all

    select
        'customer' as fingerprint_kind,
        company_code,
        customer_code as fingerprint_key,
        cast(
            {{ ar_row_hash([
                'customer_name', 'customer_group', 'segment', 'collector', 'credit_limit', 'insured_limit'
            ]) }}
            as decimal(38, 0)
        ) as change_fingerprint,
        cast(null as date) as change_date,
        cast(null as decimal(38, 0)) as settlement_fingerprint,
        cast(null as date) as settlement_date
    from customers

    union all

    select
        'settings' as fingerprint_kind,
        '' as company_code,
        '' as fingerprint_key,
        {%- set settings_digest = "'" ~ ar_weekly_settings_digest() ~ "'" %}
        cast({{ ar_row_hash([settings_digest, 'first_snapshot_date']) }} as decimal(38, 0))
            as change_fingerprint,
        cast(null as date) as change_date,
        cast(null as decimal(38, 0)) as settlement_fingerprint,
        cast(null as date) as settlement_date
    from spine

    union all

    select
        'latest_snapshot' as fingerprint_kind,
        '' as company_code,
        '' as fingerprint_key,
        cast({{ ar_row_hash(['latest_snapshot_date']) }} as decimal(38, 0)) as change_fingerprint,
        latest_snapshot_date as change_date,
        cast(null as decimal(38, 0)) as settlement_fingerprint,
        cast(null as date) as settlement_date
    from spine
)

select * from fingerprints
