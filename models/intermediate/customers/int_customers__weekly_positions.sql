{#- The conformed customer-week layer (docs/customer-positions.md): one row
    per snapshot date, company and customer while the customer has open
    items, and one more the snapshot its last item closes (balance 0). It
    carries what every customer-grain mart shows: master attributes, the
    collector responsible then and where it comes from, the balance by age
    bucket, by dunning status and by blocking cause, the main status and
    cause, the blocked amount and the credit-limit figures.

    Computed like the weekly marts, without expanding items to weeks: each
    item state run (int_ageing__item_state_runs) adds its open amount to the
    customer's columns on the run's first snapshot and takes it off after its
    last; running sums over the snapshots give the customer's position from
    one change to the next, and only those positions are expanded to the
    snapshots they hold for. Incremental like the weekly marts (a scheduled
    run recomputes the snapshots from int_weekly__restatement's date on,
    from the runs still open then: ar_runs_from_restated_snapshots). -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'restated_by': 'snapshots'},
    pre_hook="{{ ar_delete_restated_snapshots() }}"
) }}
{%- set buckets = ar_age_buckets() %}
{%- set statuses = ar_dunning_status_codes() %}
{%- set causes = ar_blocking_cause_codes() %}

with

-- in a scheduled run, the runs still open on the snapshot before the first
-- restated one (its position gives the first restated snapshot's previous balance)
runs as (
    {{ ar_runs_from_restated_snapshots(lookback=1) }}
),

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

dunning_collectors as (
    select * from {{ ref('int_dunning__customer_collectors_weekly') }}
),

status_orders as (
    select
        dunning_status,
        sort_order as dunning_status_order
    from {{ ref('ar_dunning_statuses') }}
),

cause_orders as (
    select
        blocking_cause,
        sort_order as blocking_cause_order
    from {{ ref('ar_blocking_causes') }}
),

-- a run adds its amount to the customer's columns on its first snapshot and
-- takes it off on the snapshot after its last
movements as (
    {%- for sign, index_column in [('', 'entry_snapshot_index'), ('-', 'end_snapshot_index')] %}
    select
        company_code,
        customer_code,
        {{ index_column }} as snapshot_index,
        {%- for b in buckets %}
        case when age_bucket = '{{ b.code }}' then {{ sign }}open_amount else 0 end as {{ b.code }},
        {%- endfor %}
        {%- for code in statuses %}
        case when dunning_status = '{{ code }}' then {{ sign }}open_amount else 0 end as status_{{ code }},
        {%- endfor %}
        {%- for code in causes %}
        case when blocking_cause = '{{ code }}' then {{ sign }}open_amount else 0 end as cause_{{ code }},
        {%- endfor %}
        {{ sign }}open_amount as balance,
        {{ sign }}1 as open_item_count
    from runs
    {%- if sign == '-' %}
    where end_snapshot_index is not null
    {%- else %}
    union all
    {%- endif %}
    {%- endfor %}
),

{%- set amount_columns = [] %}
{%- for b in buckets %}{% do amount_columns.append(b.code) %}{% endfor %}
{%- for code in statuses %}{% do amount_columns.append('status_' ~ code) %}{% endfor %}
{%- for code in causes %}{% do amount_columns.append('cause_' ~ code) %}{% endfor %}
{%- do amount_columns.append('balance') %}

net_movements as (
    select
        company_code,
        customer_code,
        snapshot_index,
        {%- for column in amount_columns %}
        sum({{ column }}) as {{ column }},
        {%- endfor %}
        sum(open_item_count) as open_item_count
    from movements
    group by company_code, customer_code, snapshot_index
),

-- the customer's position from one change to the next
positions as (
    select
        company_code,
        customer_code,
        snapshot_index as from_snapshot_index,
        lead(snapshot_index) over (
            partition by company_code, customer_code
            order by snapshot_index
        ) as until_snapshot_index,
        {%- for column in amount_columns %}
        sum({{ column }}) over (
            partition by company_code, customer_code
            order by snapshot_index rows between unbounded preceding and current row
        ) as {{ column }},
        {%- endfor %}
        sum(open_item_count) over (
            partition by company_code, customer_code
            order by snapshot_index rows between unbounded preceding and current row
        ) as open_item_count
    from net_movements
),

-- the position before: the previous snapshot's balance on a position's first snapshot
with_previous as (
    select
        *,
        lag(balance) over (
            partition by company_code, customer_code
            order by from_snapshot_index
        ) as balance_before
    from positions
),

-- main dunning status: the status carrying the largest positive open amount,
-- ties to the first status in the seed's sort order
status_amounts as (
    {%- for code in statuses %}
    select
        company_code,
        customer_code,
        from_snapshot_index,
        '{{ code }}' as dunning_status,
        status_{{ code }} as amount
    from positions
    where status_{{ code }} > 0
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

main_statuses as (
    select
        company_code,
        customer_code,
        from_snapshot_index,
        dunning_status
    from (
        select
            status_amounts.*,
            row_number() over (
                partition by
                    status_amounts.company_code,
                    status_amounts.customer_code,
                    status_amounts.from_snapshot_index
                order by status_amounts.amount desc, status_orders.dunning_status_order
            ) as status_rank
        from status_amounts
        inner join status_orders
            on status_amounts.dunning_status = status_orders.dunning_status
    ) as ranked
    where status_rank = 1
),

-- main blocking cause: the cause other than none carrying the largest
-- positive open amount, ties to the first cause in the seed's sort order
cause_amounts as (
    {%- for code in causes if code != 'none' %}
    select
        company_code,
        customer_code,
        from_snapshot_index,
        '{{ code }}' as blocking_cause,
        cause_{{ code }} as amount
    from positions
    where cause_{{ code }} > 0
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

main_causes as (
    select
        company_code,
        customer_code,
        from_snapshot_index,
        blocking_cause
    from (
        select
            cause_amounts.*,
            row_number() over (
                partition by
                    cause_amounts.company_code,
                    cause_amounts.customer_code,
                    cause_amounts.from_snapshot_index
                order by cause_amounts.amount desc, cause_orders.blocking_cause_order
            ) as cause_rank
        from cause_amounts
        inner join cause_orders
            on cause_amounts.blocking_cause = cause_orders.blocking_cause
    ) as ranked
    where cause_rank = 1
),

-- every snapshot a position with open items holds for; a position without
-- (the customer's last item closed) only on its first snapshot
customer_weeks as (
    select
        snapshots.snapshot_date,
        snapshots.snapshot_index,
        snapshots.previous_snapshot_date,
        snapshots.is_latest,
        with_previous.*
    from with_previous
    inner join snapshots
        on
            with_previous.from_snapshot_index <= snapshots.snapshot_index
            and (
                with_previous.until_snapshot_index is null
                or with_previous.until_snapshot_index > snapshots.snapshot_index
            )
    where
        (with_previous.open_item_count > 0 or with_previous.from_snapshot_index = snapshots.snapshot_index)
        and {{ ar_restated_snapshots_only('snapshots.snapshot_date') }}
)

select
    cast(customer_weeks.snapshot_date as date) as snapshot_date,
    cast(customer_weeks.company_code as {{ dbt.type_string() }}) as company_code,
    cast(customer_weeks.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(customers.customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(customers.segment as {{ dbt.type_string() }}) as segment,
    cast(
        {{ ar_customer_collector('dunning_collectors.collector', 'customers.collector') }}
        as {{ dbt.type_string() }}
    ) as collector,
    cast(
        {{ ar_customer_collector_source('dunning_collectors.collector', 'customers.collector') }}
        as {{ dbt.type_string() }}
    ) as collector_source,
    {%- for b in buckets %}
    cast(customer_weeks.{{ b.code }} as decimal(18, 2)) as {{ b.code }},
    {%- endfor %}
    cast(
        {%- for b in buckets if b.kind in ('overdue_range', 'overdue_over') %}
        customer_weeks.{{ b.code }}{{ ' +' if not loop.last }}
        {%- endfor %}
        as decimal(18, 2)
    ) as overdue_total,
    cast(customer_weeks.balance as decimal(18, 2)) as balance,
    cast(
        case
            when customer_weeks.snapshot_index > customer_weeks.from_snapshot_index then customer_weeks.balance
            else coalesce(customer_weeks.balance_before, 0)
        end
        as decimal(18, 2)
    ) as previous_balance,
    cast(customer_weeks.open_item_count as integer) as open_item_count,
    {%- for code in statuses %}
    cast(customer_weeks.status_{{ code }} as decimal(18, 2)) as outstanding_{{ code }},
    {%- endfor %}
    {%- for code in causes %}
    cast(customer_weeks.cause_{{ code }} as decimal(18, 2)) as outstanding_cause_{{ code }},
    {%- endfor %}
    cast(main_statuses.dunning_status as {{ dbt.type_string() }}) as main_dunning_status,
    cast(coalesce(main_causes.blocking_cause, 'none') as {{ dbt.type_string() }}) as main_blocking_cause,
    cast(customer_weeks.balance - customer_weeks.cause_none as decimal(18, 2)) as blocked_amount,
    cast(customers.credit_limit as decimal(18, 2)) as credit_limit,
    cast(customers.insured_limit as decimal(18, 2)) as insured_limit,
    cast(
        {{ ar_available_credit('customers.credit_limit', 'customer_weeks.balance') }}
        as decimal(18, 2)
    ) as available_credit,
    cast(
        {{ ar_credit_utilisation('customer_weeks.balance', 'customers.credit_limit') }}
        as decimal(18, 6)
    ) as utilisation,
    {{ ar_is_over_limit('customer_weeks.balance', 'customers.credit_limit') }} as is_over_limit,
    cast(customer_weeks.previous_snapshot_date as date) as previous_snapshot_date,
    cast(customer_weeks.is_latest as boolean) as is_latest
from customer_weeks
left join customers
    on
        customer_weeks.company_code = customers.company_code
        and customer_weeks.customer_code = customers.customer_code
left join dunning_collectors
    on
        customer_weeks.snapshot_date = dunning_collectors.snapshot_date
        and customer_weeks.company_code = dunning_collectors.company_code
        and customer_weeks.customer_code = dunning_collectors.customer_code
left join main_statuses
    on
        customer_weeks.company_code = main_statuses.company_code
        and customer_weeks.customer_code = main_statuses.customer_code
        and customer_weeks.from_snapshot_index = main_statuses.from_snapshot_index
left join main_causes
    on
        customer_weeks.company_code = main_causes.company_code
        and customer_weeks.customer_code = main_causes.customer_code
        and customer_weeks.from_snapshot_index = main_causes.from_snapshot_index
