{#- Does dunning work? (DEFINITIONS §12, docs/definitions/12-dunning-effectiveness.md)
    For every dunning level a document reaches, what it still owed that day
    and, 15 and 30 days later (`dunning_effect_days`), whether it was paid
    and how much of it was collected; summed per month of the reach date,
    company, collector and level.

    A document reaches level k on the first extract where its level is k or
    more: a document that jumps from 0 to 2 reaches levels 1 and 2 on the
    same extract. Its open debit amount is read on the document's step
    function (int_documents__open_debit_intervals), on the reach date and on
    the reach date + n; a document with nothing open when it reaches the
    level says nothing about the level's effect and is left out. -#}
{{ config(contract={'enforced': ar_default_dunning_effect_days()}) }}
{%- set horizons = ar_dunning_effect_days() %}

with

dunning_rows as (
    select * from {{ ref('int_documents__dunning_rows') }}
),

open_debits as (
    select * from {{ ref('int_documents__open_debit_intervals') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

-- the highest level each document had before this extract
levels_before as (
    select
        company_code,
        customer_code,
        document_number,
        extracted_at,
        collector,
        dunning_level,
        coalesce(max(dunning_level) over (
            partition by company_code, customer_code, document_number
            order by extracted_at
            rows between unbounded preceding and 1 preceding
        ), 0) as previous_max_level
    from dunning_rows
),

level_numbers as (
    select integers.n as dunning_level
    from ({{ ar_integers(3) }}) as integers
    where
        integers.n >= 1
        and integers.n <= (select max(dunning_rows.dunning_level) from dunning_rows)
),

-- an extract where a document's level rises above every earlier one reaches
-- each level in between
reaches as (
    select
        levels_before.company_code,
        levels_before.customer_code,
        levels_before.document_number,
        levels_before.extracted_at as reached_on,
        levels_before.collector,
        level_numbers.dunning_level
    from levels_before
    inner join level_numbers
        on
            levels_before.previous_max_level < level_numbers.dunning_level
            and levels_before.dunning_level >= level_numbers.dunning_level
),

measured as (
    select
        reaches.company_code,
        reaches.customer_code,
        reaches.document_number,
        reaches.reached_on,
        reaches.collector,
        reaches.dunning_level,
        {%- for n in horizons %}
        {{ ar_add_days('reaches.reached_on', n) }} <= as_of.as_of_date as is_evaluated_{{ n }}d,
        coalesce(after_{{ n }}d.open_debit_amount, 0) as open_after_{{ n }}d,
        {%- endfor %}
        coalesce(at_level.open_debit_amount, 0) as open_at_level
    from reaches
    cross join as_of
    left join open_debits as at_level
        on
            reaches.company_code = at_level.company_code
            and reaches.customer_code = at_level.customer_code
            and reaches.document_number = at_level.document_number
            and {{ ar_valid_on('at_level', 'reaches.reached_on') }}
    {%- for n in horizons %}
    left join open_debits as after_{{ n }}d
        on
            reaches.company_code = after_{{ n }}d.company_code
            and reaches.customer_code = after_{{ n }}d.customer_code
            and reaches.document_number = after_{{ n }}d.document_number
            and {{ ar_valid_on('after_' ~ n ~ 'd', ar_add_days('reaches.reached_on', n)) }}
    {%- endfor %}
),

monthly as (
    select
        cast({{ dbt.date_trunc('month', 'reached_on') }} as date) as month_start_date,
        company_code,
        collector,
        dunning_level,
        count(*) as documents_reaching,
        {%- for n in horizons %}
        sum(case when is_evaluated_{{ n }}d then 1 else 0 end) as evaluated_{{ n }}d,
        sum(case when is_evaluated_{{ n }}d and open_after_{{ n }}d = 0 then 1 else 0 end) as settled_{{ n }}d,
        sum(case when is_evaluated_{{ n }}d then open_at_level else 0 end) as evaluated_open_at_level_{{ n }}d,
        sum(
            case when is_evaluated_{{ n }}d then open_at_level - open_after_{{ n }}d else 0 end
        ) as collected_amount_{{ n }}d,
        {%- endfor %}
        sum(open_at_level) as open_at_level
    from measured
    where open_at_level <> 0
    group by
        cast({{ dbt.date_trunc('month', 'reached_on') }} as date),
        company_code,
        collector,
        dunning_level
)

select
    monthly.month_start_date,
    cast({{ dbt.last_day('monthly.month_start_date', 'month') }} as date) as month_end_date,
    cast(monthly.company_code as {{ dbt.type_string() }}) as company_code,
    cast(monthly.collector as {{ dbt.type_string() }}) as collector,
    cast(monthly.dunning_level as integer) as dunning_level,
    cast(
        {{ dbt.concat(["'Relance niveau '", 'cast(monthly.dunning_level as ' ~ dbt.type_string() ~ ')']) }}
        as {{ dbt.type_string() }}
    ) as dunning_level_label_fr,
    cast(
        {{ dbt.concat(["'Dunning level '", 'cast(monthly.dunning_level as ' ~ dbt.type_string() ~ ')']) }}
        as {{ dbt.type_string() }}
    ) as dunning_level_label_en,
    cast(monthly.documents_reaching as integer) as documents_reaching,
    cast(monthly.open_at_level as decimal(18, 2)) as open_at_level,
    {%- for n in horizons %}
    cast(monthly.evaluated_{{ n }}d as integer) as evaluated_{{ n }}d,
    cast(monthly.settled_{{ n }}d as integer) as settled_{{ n }}d,
    cast(
        {{ ar_rate('cast(monthly.settled_' ~ n ~ 'd as decimal(18, 6))', 'monthly.evaluated_' ~ n ~ 'd') }}
        as decimal(18, 6)
    ) as settled_rate_{{ n }}d,
    cast(monthly.evaluated_open_at_level_{{ n }}d as decimal(18, 2)) as evaluated_open_at_level_{{ n }}d,
    cast(monthly.collected_amount_{{ n }}d as decimal(18, 2)) as collected_amount_{{ n }}d,
    cast(
        {{ ar_rate('monthly.collected_amount_' ~ n ~ 'd', 'monthly.evaluated_open_at_level_' ~ n ~ 'd') }}
        as decimal(18, 6)
    ) as collected_rate_{{ n }}d,
    {%- endfor %}
    cast({{ dbt.last_day('monthly.month_start_date', 'month') }} <= as_of.as_of_date as boolean) as is_complete
from monthly
cross join as_of
order by monthly.month_start_date, company_code, collector, dunning_level
