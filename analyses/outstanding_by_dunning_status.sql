-- Outstanding by dunning status at the latest snapshot, per company.
select
    company_code,
    dunning_status_order,
    dunning_status,
    dunning_status_label_fr,
    dunning_status_label_en,
    sum(outstanding_amount) as outstanding_amount,
    sum(open_item_count) as open_item_count
from {{ ref('fct_ar_outstanding_weekly') }}
where is_latest
group by company_code, dunning_status_order, dunning_status, dunning_status_label_fr, dunning_status_label_en
order by company_code, dunning_status_order
