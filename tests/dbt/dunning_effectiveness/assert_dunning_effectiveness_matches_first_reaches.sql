{#- DEFINITIONS §12 recomputed another way: the date a document reaches
    level k is the earliest extract with a level >= k (a minimum per document
    and level, not the mart's running maximum), its collector the one of that
    row; amounts are read on the open-item intervals of the document's debit
    items (int_ledger__open_item_intervals, not the document step model).
    Every figure of the mart must match, to the cent and the count. -#}
{%- set horizons = ar_dunning_effect_days() %}

with

dunning_rows as (
    select * from {{ ref('int_documents__dunning_rows') }}
),

debit_intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
    where item_side = 'debit'
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

mart as (
    select * from {{ ref('fct_ar_dunning_effectiveness_monthly') }}
),

levels as (
    select distinct integers.n as dunning_level
    from ({{ ar_integers(3) }}) as integers
    inner join dunning_rows
        on integers.n between 1 and dunning_rows.dunning_level
),

first_reaches as (
    select
        dunning_rows.company_code,
        dunning_rows.customer_code,
        dunning_rows.document_number,
        levels.dunning_level,
        min(dunning_rows.extracted_at) as reached_on
    from dunning_rows
    inner join levels
        on dunning_rows.dunning_level >= levels.dunning_level
    group by
        dunning_rows.company_code,
        dunning_rows.customer_code,
        dunning_rows.document_number,
        levels.dunning_level
),

reaches as (
    select
        first_reaches.*,
        dunning_rows.collector
    from first_reaches
    inner join dunning_rows
        on
            first_reaches.company_code = dunning_rows.company_code
            and first_reaches.customer_code = dunning_rows.customer_code
            and first_reaches.document_number = dunning_rows.document_number
            and first_reaches.reached_on = dunning_rows.extracted_at
),

-- what the document owed on day d = the reach date + offset
{%- set offsets = [0] + horizons %}
amounts as (
    select
        reaches.company_code,
        reaches.customer_code,
        reaches.document_number,
        reaches.dunning_level,
        reaches.reached_on,
        {%- for n in offsets %}
        coalesce(sum(
            case
                when {{ ar_valid_on('debit_intervals', ar_add_days('reaches.reached_on', n)) }}
                    then debit_intervals.open_amount
            end
        ), 0) as open_after_{{ n }}d,
        {%- endfor %}
        reaches.collector
    from reaches
    left join debit_intervals
        on
            reaches.company_code = debit_intervals.company_code
            and reaches.customer_code = debit_intervals.customer_code
            and reaches.document_number = debit_intervals.document_number
    group by
        reaches.company_code,
        reaches.customer_code,
        reaches.document_number,
        reaches.dunning_level,
        reaches.reached_on,
        reaches.collector
),

expected as (
    select
        cast({{ dbt.date_trunc('month', 'amounts.reached_on') }} as date) as month_start_date,
        amounts.company_code,
        amounts.collector,
        amounts.dunning_level,
        count(*) as documents_reaching,
        {%- for n in horizons %}
        sum(case when {{ ar_add_days('amounts.reached_on', n) }} <= as_of.as_of_date then 1 else 0 end)
            as evaluated_{{ n }}d,
        sum(
            case
                when {{ ar_add_days('amounts.reached_on', n) }} <= as_of.as_of_date and amounts.open_after_{{ n }}d = 0
                    then 1
                else 0
            end
        ) as settled_{{ n }}d,
        sum(
            case
                when {{ ar_add_days('amounts.reached_on', n) }} <= as_of.as_of_date
                    then amounts.open_after_0d - amounts.open_after_{{ n }}d
                else 0
            end
        ) as collected_amount_{{ n }}d,
        {%- endfor %}
        sum(amounts.open_after_0d) as open_at_level
    from amounts
    cross join as_of
    where amounts.open_after_0d <> 0
    group by
        cast({{ dbt.date_trunc('month', 'amounts.reached_on') }} as date),
        amounts.company_code,
        amounts.collector,
        amounts.dunning_level
)

select
    coalesce(expected.month_start_date, mart.month_start_date) as month_start_date,
    coalesce(expected.company_code, mart.company_code) as company_code,
    coalesce(expected.collector, mart.collector) as collector,
    coalesce(expected.dunning_level, mart.dunning_level) as dunning_level,
    expected.documents_reaching as expected_documents_reaching,
    mart.documents_reaching,
    expected.open_at_level as expected_open_at_level,
    mart.open_at_level
from expected
full outer join mart
    on
        expected.month_start_date = mart.month_start_date
        and expected.company_code = mart.company_code
        and expected.collector = mart.collector
        and expected.dunning_level = mart.dunning_level
where
    expected.month_start_date is null
    or mart.month_start_date is null
    or expected.documents_reaching <> mart.documents_reaching
    or expected.open_at_level <> mart.open_at_level
    {%- for n in horizons %}
    or expected.evaluated_{{ n }}d <> mart.evaluated_{{ n }}d
    or expected.settled_{{ n }}d <> mart.settled_{{ n }}d
    or expected.collected_amount_{{ n }}d <> mart.collected_amount_{{ n }}d
    {%- endfor %}
