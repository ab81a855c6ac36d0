#include "ck_app.h"

ck_date ck_app_today(const ck_app *app) { return app->today ? app->today() : ck_date_today(); }
