from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from nurture.accounts.models import User
from nurture.core.audit import audit_record


@admin.register(User)
class PersonAdmin(UserAdmin):  # type: ignore[type-arg]
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "profession", "region", "is_active"]
    list_filter = ["role", "region", "profession", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "role", "profession", "region", "employer")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Role and access changes made in the admin are staff actions: audit them."""
        super().save_model(request, obj, form, change)
        watched = [name for name in ("role", "is_active", "is_staff", "is_superuser") if name in form.changed_data]
        if watched or not change:
            audit_record(
                action="accounts.person.changed_in_admin" if change else "accounts.person.created_in_admin",
                actor=request.user,
                target=obj,
                data={name: form.cleaned_data.get(name) for name in watched},
            )


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class SecondFactorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Who has which second factor, and when it was last used; never its secret
    (`data`), which is neither shown nor editable. Read-only: people set up and remove
    their own second factors under /accounts/2fa/."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email", "user__full_name"]
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Authenticator | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Authenticator | None = None) -> bool:
        return False
