{#- The collector's worklist as of the as-of date (docs/definitions/15-collector-worklist.md):
    every document with an open
    overdue debit amount, what the dunning tool says of it on its company's
    latest extract, how its latest judged promise ended, where it stands
    against the credit insurer's deadline, and the order to work it in.

    First come the documents that cannot wait (the insurer must be told
    soon or already should have been, or the customer broke their word),
    last the blocked ones, whose cause must be resolved before chasing them;
    in between, long overdue before recently overdue. Within a priority the
    largest amounts come first. The overdue amounts, days and insurer status
    come from int_documents__overdue_as_of, the one place their rules live. -#}
with

overdue as (
    select * from {{ ref('int_documents__overdue_as_of') }}
),

dunning_rows as (
    select * from {{ ref('int_documents__dunning_rows') }}
),

promises as (
    select * from {{ ref('int_promises__evaluated') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

statuses as (
    select * from {{ ref('ar_dunning_statuses') }}
),

causes as (
    select * from {{ ref('ar_blocking_causes') }}
),

outcomes as (
    select * from {{ ref('ar_promise_outcomes') }}
),

priorities as (
    select * from {{ ref('ar_worklist_priorities') }}
),

-- the picture in force on the as-of date: each company's latest extract
latest_extracts as (
    select
        company_code,
        max(extracted_at) as extracted_at
    from dunning_rows
    group by company_code
),

latest_rows as (
    select dunning_rows.*
    from dunning_rows
    inner join latest_extracts
        on
            dunning_rows.company_code = latest_extracts.company_code
            and dunning_rows.extracted_at = latest_extracts.extracted_at
),

-- the latest promise already judged: by promised date, then the day it was made
judged_promises as (
    select
        company_code,
        customer_code,
        document_number,
        promised_date,
        outcome,
        row_number() over (
            partition by company_code, customer_code, document_number
            order by promised_date desc, promised_on desc
        ) as recency
    from promises
    where outcome <> 'pending'
),

latest_judged_promises as (
    select *
    from judged_promises
    where recency = 1
),

documents as (
    select
        overdue.company_code,
        overdue.customer_code,
        overdue.document_number,
        customers.customer_name,
        coalesce(latest_rows.collector, customers.collector, {{ ar_unassigned_collector() }}) as collector,
        overdue.open_overdue_amount,
        overdue.open_overdue_item_count,
        overdue.earliest_due_date,
        overdue.days_past_due,
        latest_extracts.extracted_at as dunning_extracted_at,
        latest_rows.document_number is not null as is_in_latest_extract,
        coalesce(latest_rows.dunning_status, 'not_dunned') as dunning_status,
        coalesce(latest_rows.dunning_level, 0) as dunning_level,
        coalesce(latest_rows.blocking_cause, 'none') as blocking_cause,
        latest_rows.promised_date,
        latest_rows.last_action_date,
        latest_rows.last_action_type,
        latest_judged_promises.promised_date as latest_judged_promised_date,
        latest_judged_promises.outcome as latest_promise_outcome,
        overdue.is_insured,
        overdue.insured_limit,
        overdue.insurer_deadline,
        overdue.days_to_deadline,
        overdue.insurer_status,
        coalesce(overdue.insurer_status in ('due_soon', 'late'), false) as is_insurer_deadline_near,
        coalesce(latest_judged_promises.outcome = 'broken', false) as is_latest_promise_broken,
        overdue.as_of_date
    from overdue
    left join latest_extracts
        on overdue.company_code = latest_extracts.company_code
    left join latest_rows
        on
            overdue.company_code = latest_rows.company_code
            and overdue.customer_code = latest_rows.customer_code
            and overdue.document_number = latest_rows.document_number
    left join latest_judged_promises
        on
            overdue.company_code = latest_judged_promises.company_code
            and overdue.customer_code = latest_judged_promises.customer_code
            and overdue.document_number = latest_judged_promises.document_number
    left join customers
        on
            overdue.company_code = customers.company_code
            and overdue.customer_code = customers.customer_code
),

prioritised as (
    select
        *,
        case
            when is_insurer_deadline_near or is_latest_promise_broken then 'P1'
            when blocking_cause <> 'none' then 'P4'
            when days_past_due > {{ var('worklist_urgent_days') }} then 'P2'
            else 'P3'
        end as priority
    from documents
),

ranked as (
    select
        prioritised.*,
        priorities.sort_order as priority_order,
        priorities.label_fr as priority_label_fr,
        priorities.label_en as priority_label_en,
        row_number() over (
            partition by prioritised.company_code, prioritised.collector
            order by
                priorities.sort_order,
                prioritised.open_overdue_amount desc,
                {{ ar_bytewise('prioritised.customer_code') }},
                {{ ar_bytewise('prioritised.document_number') }}
        ) as priority_rank
    from prioritised
    left join priorities
        on prioritised.priority = priorities.priority
)

select
    cast(ranked.company_code as {{ dbt.type_string() }}) as company_code,
    cast(ranked.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(ranked.document_number as {{ dbt.type_string() }}) as document_number,
    cast(ranked.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(ranked.collector as {{ dbt.type_string() }}) as collector,
    cast(ranked.priority as {{ dbt.type_string() }}) as priority,
    cast(ranked.priority_order as integer) as priority_order,
    cast(ranked.priority_label_fr as {{ dbt.type_string() }}) as priority_label_fr,
    cast(ranked.priority_label_en as {{ dbt.type_string() }}) as priority_label_en,
    cast(ranked.priority_rank as integer) as priority_rank,
    cast(ranked.open_overdue_amount as decimal(18, 2)) as open_overdue_amount,
    cast(ranked.open_overdue_item_count as integer) as open_overdue_item_count,
    cast(ranked.earliest_due_date as date) as earliest_due_date,
    cast(ranked.days_past_due as integer) as days_past_due,
    cast(ranked.dunning_extracted_at as date) as dunning_extracted_at,
    cast(ranked.is_in_latest_extract as boolean) as is_in_latest_extract,
    cast(ranked.dunning_status as {{ dbt.type_string() }}) as dunning_status,
    cast(statuses.label_fr as {{ dbt.type_string() }}) as dunning_status_label_fr,
    cast(statuses.label_en as {{ dbt.type_string() }}) as dunning_status_label_en,
    cast(ranked.dunning_level as integer) as dunning_level,
    cast(ranked.blocking_cause as {{ dbt.type_string() }}) as blocking_cause,
    cast(causes.label_fr as {{ dbt.type_string() }}) as blocking_cause_label_fr,
    cast(causes.label_en as {{ dbt.type_string() }}) as blocking_cause_label_en,
    cast(ranked.promised_date as date) as promised_date,
    cast(ranked.last_action_date as date) as last_action_date,
    cast(ranked.last_action_type as {{ dbt.type_string() }}) as last_action_type,
    cast(ranked.latest_judged_promised_date as date) as latest_promise_promised_date,
    cast(ranked.latest_promise_outcome as {{ dbt.type_string() }}) as latest_promise_outcome,
    cast(outcomes.label_fr as {{ dbt.type_string() }}) as latest_promise_outcome_label_fr,
    cast(outcomes.label_en as {{ dbt.type_string() }}) as latest_promise_outcome_label_en,
    cast(ranked.is_insured as boolean) as is_insured,
    cast(ranked.insurer_deadline as date) as insurer_deadline,
    cast(ranked.days_to_deadline as integer) as days_to_deadline,
    cast(ranked.insurer_status as {{ dbt.type_string() }}) as insurer_status,
    cast(ranked.is_insurer_deadline_near as boolean) as is_insurer_deadline_near,
    cast(ranked.is_latest_promise_broken as boolean) as is_latest_promise_broken,
    cast(ranked.as_of_date as date) as as_of_date
from ranked
left join statuses
    on ranked.dunning_status = statuses.dunning_status
left join causes
    on ranked.blocking_cause = causes.blocking_cause
left join outcomes
    on ranked.latest_promise_outcome = outcomes.promise_outcome
