"""Promises stated in schema.org markup: return policies, free shipping, warranties."""

from __future__ import annotations

from typing import Any

from .fields import number_value
from .promises import find_promises

SOURCE = "structured-data"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _return_policies(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for holder in [node, *_as_list(node.get("offers"))]:
        if isinstance(holder, dict):
            out.extend(p for p in _as_list(holder.get("hasMerchantReturnPolicy"))
                       if isinstance(p, dict))
    return out


#: schema.org returnFees: who pays to send the item back
_RETURN_FEES = {"FreeReturn": "free", "ReturnFeesCustomerResponsibility": "buyer",
                "ReturnShippingFees": "buyer"}


def _return_promise(policy: dict[str, Any]) -> dict[str, Any] | None:
    category = str(policy.get("returnPolicyCategory") or "").rsplit("/", 1)[-1]
    if category == "MerchantReturnNotPermitted":
        return None
    days = number_value(policy.get("merchantReturnDays"))
    params: dict[str, Any] = {"days": int(days)} if days and days > 0 else {}
    text = f"hasMerchantReturnPolicy: {category or 'return policy'}"
    text += f", merchantReturnDays={int(days)}" if params else ""
    fees = str(policy.get("returnFees") or "").rsplit("/", 1)[-1]
    if fees in _RETURN_FEES:
        params["return_shipping"] = _RETURN_FEES[fees]
        text += f", returnFees={fees}"
    return {"code": "return_no_reason", "text": text, "params": params, "source": SOURCE}


def _days(value: Any) -> int | None:
    """The most days of a QuantitativeValue (``maxValue``, else ``value``) in days."""
    if not isinstance(value, dict):
        return None
    unit = str(value.get("unitCode") or "DAY").upper()
    most = number_value(value.get("maxValue"))
    if most is None:
        most = number_value(value.get("value"))
    if most is None or most < 0 or most > 365 or unit not in ("DAY", "D", "DAYS"):
        return None
    return int(most)


def _shipping_promises(detail: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    rate = detail.get("shippingRate")
    if isinstance(rate, dict) and number_value(rate.get("value")) == 0:
        out.append({"code": "free_shipping", "text": "shippingRate: 0", "params": {},
                    "source": SOURCE})
    time = detail.get("deliveryTime")
    if isinstance(time, dict):
        handling, transit = _days(time.get("handlingTime")), _days(time.get("transitTime"))
        if handling is not None:
            out.append({"code": "ship_within", "text": f"handlingTime: {handling} days",
                        "params": {"business_days": handling} if handling else
                        {"hours": 24, "same_day": True}, "source": SOURCE})
        if transit is not None and handling is not None:
            out.append({"code": "delivery_promise", "text": f"deliveryTime: {handling} + "
                        f"{transit} days", "params": {"business_days": handling + transit},
                        "source": SOURCE})
    return out


def structured_promises(nodes: list[dict[str, Any]], *, captured_at: Any = None
                        ) -> list[dict[str, Any]]:
    """Promise records from Product nodes (``source`` = ``structured-data``): the return
    policy (days, who pays the return shipping), free shipping, handling and transit times
    (business days, as schema.org and Google define them), the warranty, and promises
    written in the description."""
    out: list[dict[str, Any]] = []
    for node in nodes:
        for policy in _return_policies(node):
            promise = _return_promise(policy)
            if promise is not None:
                out.append(promise)
        for offer in _as_list(node.get("offers")):
            if not isinstance(offer, dict):
                continue
            for detail in _as_list(offer.get("shippingDetails")):
                if isinstance(detail, dict):
                    out.extend(_shipping_promises(detail))
        for warranty in _as_list(node.get("warranty")):
            if isinstance(warranty, dict):
                duration = warranty.get("durationOfWarranty")
                if isinstance(duration, dict):
                    value = number_value(duration.get("value"))
                    unit = str(duration.get("unitCode") or "").upper()
                    months = value * 12 if unit == "ANN" else value if unit == "MON" else None
                    if months and 0 < months <= 1200:
                        out.append({"code": "warranty", "text": f"durationOfWarranty: {value:g} "
                                    f"{unit}", "params": {"months": int(months)},
                                    "source": SOURCE})
        desc = node.get("description")
        if isinstance(desc, str):
            out.extend(find_promises(desc, SOURCE, captured_at=captured_at))
    return out
