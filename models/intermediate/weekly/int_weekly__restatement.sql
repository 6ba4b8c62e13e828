{#- From which snapshot date the weekly marts must be recomputed: the
    earliest date reached by anything that changed since the previous build
    (int_weekly__input_fingerprints against the copy the previous build
    kept). One row. With no previous build, or when settings, model code or
    a known customer's master attributes changed, everything is restated (a customer
    new to the books only from its own lines' postings);
    when nothing changed, nothing is (the date is after the last snapshot). -#}
-- depends_on: {{ ref('int_weekly__input_fingerprints') }}
{{ config(materialized='table') }}
{%- set previous = adapter.get_relation(
        database=this.database, schema=this.schema, identifier='int_weekly__input_fingerprints_previous') %}

with

spine as (
    select
        min(snapshot_date) as first_snapshot_date,
        max(snapshot_date) as latest_snapshot_date
    from {{ ref('int_calendar__snapshot_dates') }}
)

{% if previous is not none and not flags.FULL_REFRESH -%}
, current_fingerprints as (
    select * from {{ ref('int_weekly__input_fingerprints') }}
),

previous_fingerprints as (
    select * from {{ previous }}
),

changes as (
    select
        coalesce(current_fingerprints.fingerprint_kind, previous_fingerprints.fingerprint_kind)
            as fingerprint_kind,
        case
            -- new, gone or changed: from the earlier of the two dates (null: from the start)
            when
                current_fingerprints.fingerprint_key is null
                or previous_fingerprints.fingerprint_key is null
                or current_fingerprints.change_fingerprint <> previous_fingerprints.change_fingerprint
                then
                    case
                        -- a customer new to the books has no row in any earlier snapshot:
                        -- its lines restate from their own posting dates
                        when
                            previous_fingerprints.fingerprint_key is null
                            and current_fingerprints.fingerprint_kind = 'customer'
                            then null
                        when
                            (current_fingerprints.fingerprint_key is not null and current_fingerprints.change_date is null)
                            or (previous_fingerprints.fingerprint_key is not null and previous_fingerprints.change_date is null)
                            then cast('1900-01-01' as date)
                        when current_fingerprints.change_date is null then previous_fingerprints.change_date
                        when previous_fingerprints.change_date is null then current_fingerprints.change_date
                        when current_fingerprints.change_date < previous_fingerprints.change_date
                            then current_fingerprints.change_date
                        else previous_fingerprints.change_date
                    end
            -- only the settlement changed: from the earlier effective date (null: never lettered)
            when
                current_fingerprints.settlement_fingerprint <> previous_fingerprints.settlement_fingerprint
                then
                    case
                        when current_fingerprints.settlement_date is null then previous_fingerprints.settlement_date
                        when previous_fingerprints.settlement_date is null then current_fingerprints.settlement_date
                        when current_fingerprints.settlement_date < previous_fingerprints.settlement_date
                            then current_fingerprints.settlement_date
                        else previous_fingerprints.settlement_date
                    end
        end as affected_from_date
    from current_fingerprints
    full outer join previous_fingerprints
        on
            current_fingerprints.fingerprint_kind = previous_fingerprints.fingerprint_kind
            and current_fingerprints.company_code = previous_fingerprints.company_code
            and current_fingerprints.fingerprint_key = previous_fingerprints.fingerprint_key
),

earliest as (
    select
        min(affected_from_date) as affected_from_date,
        min(case when fingerprint_kind = 'dunning_extract' then affected_from_date end)
            as dunning_affected_from_date,
        count(affected_from_date) as change_count
    from changes
    where affected_from_date is not null
),

restated as (
    select
        case
            when earliest.affected_from_date is null
                then {{ ar_add_days('spine.latest_snapshot_date', 1) }}
            when earliest.affected_from_date <= spine.first_snapshot_date then spine.first_snapshot_date
            else earliest.affected_from_date
        end as restate_from_date,
        coalesce(earliest.affected_from_date <= spine.first_snapshot_date, false) as is_full_restatement,
        earliest.dunning_affected_from_date,
        cast(earliest.change_count as integer) as change_count,
        previous_as_of.previous_as_of_date
    from spine
    cross join earliest
    cross join (
        select max(change_date) as previous_as_of_date
        from previous_fingerprints
        where fingerprint_kind = 'latest_snapshot'
    ) as previous_as_of
)

select
    restate_from_date,
    is_full_restatement,
    change_count,
    -- the intermediate chain recomputes the items still open on the first day of the month
    -- of restate_from_date (the monthly collection items restate whole months); nothing when
    -- nothing changed
    case
        when is_full_restatement then cast('1900-01-01' as date)
        when change_count = 0 then cast(null as date)
        else cast({{ dbt.date_trunc('month', 'restate_from_date') }} as date)
    end as item_restate_from_date,
    -- the dunning state intervals recompute from the first changed extract on
    case
        when is_full_restatement then cast('1900-01-01' as date)
        else dunning_affected_from_date
    end as dunning_restate_from_date,
    -- the previous build's as-of date (its latest snapshot): what it left pending
    previous_as_of_date
from restated
{% else %}
-- no previous build to compare with (or --full-refresh): everything
select
    spine.first_snapshot_date as restate_from_date,
    true as is_full_restatement,
    cast(null as integer) as change_count,
    cast('1900-01-01' as date) as item_restate_from_date,
    cast('1900-01-01' as date) as dunning_restate_from_date,
    cast(null as date) as previous_as_of_date
from spine
{% endif %}
