// The path most Chinese apps and mini-programs take: types generated from the gateway's merged
// OpenAPI by openapi-typescript (src/schema.d.ts, made at test time from the LIVE spec) and
// calls made with openapi-fetch. `tsc --noEmit` proves the calls, parameters and answers below
// exist with these types; `node dist/journey.js <gateway> <citizen token>` runs them.
import createClient from "openapi-fetch";

import type { components, paths } from "./schema.js";

type Problem = components["schemas"]["Problem"];

declare const process: { argv: string[]; exitCode?: number };

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`journey: ${what}`);
}

function ok<T>(answer: { data?: T; error?: unknown; response: Response }, what: string): T {
  check(answer.data !== undefined, `${what}: ${answer.response.status} ${JSON.stringify(answer.error)}`);
  return answer.data;
}

async function journey(baseUrl: string, token: string, today: string): Promise<void> {
  // public reads need no token: an anonymous client
  const anonymous = createClient<paths>({ baseUrl });
  const citizen = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

  const near = ok(
    await anonymous.GET("/childcare/v1/institutions", {
      params: {
        query: {
          lat: 40.841316,
          lon: 111.756227,
          radius_m: 5000,
          coord_sys: "gcj02",
          has_vacancy: true,
          age_months: 17,
          limit: 5,
        },
      },
    }),
    "institutions near a GCJ-02 point",
  );
  const institution = near.items[0];
  check(institution !== undefined && institution.vacancies > 0, "an institution with a vacancy");
  check((institution.distance_m ?? Infinity) <= 5000, "within the radius");

  const saihan = ok(
    await anonymous.GET("/wellbeing/v1/districts/{district}", {
      params: { path: { district: "saihan" } },
    }),
    "one district",
  );
  check(saihan.district === "赛罕区" && saihan.key === "saihan", "the district by its key");
  const jobsStats = ok(await anonymous.GET("/jobs/v1/stats"), "jobs stats");
  const retention = ok(await anonymous.GET("/jobs/v1/retention"), "retention");
  check(jobsStats.totals.graduates === retention.total, "graduates counted once");
  const eldercareStats = ok(await anonymous.GET("/eldercare/v1/stats"), "eldercare stats");
  check(eldercareStats.by_district.length === 10, "ten districts");

  // personal data without a token: a typed problem, not an exception
  const refused = await anonymous.GET("/wellbeing/v1/me");
  const problem: Problem | undefined = refused.error;
  check(refused.response.status === 401 && problem?.code === "unauthenticated", "401 problem");

  const birth = new Date(Date.parse(today) - 530 * 86_400_000).toISOString().slice(0, 10);
  const child = ok(
    await citizen.POST("/childcare/v1/children", {
      body: { name: "类型化客户端", birth_date: birth },
      params: { header: { "Idempotency-Key": "typescript-journey-child" } },
    }),
    "register a child",
  );
  check(child.age_months === 17, "17 months old");
  const start = new Date(Date.parse(today) + 7 * 86_400_000).toISOString().slice(0, 10);
  const enrollment = ok(
    await citizen.POST("/childcare/v1/enrollments", {
      body: { child_id: child.id, institution_id: institution.id, start_date: start },
    }),
    "apply for a place",
  );
  check(enrollment.status === "enrolled", "enrolled");

  const view = ok(await citizen.GET("/wellbeing/v1/me"), "the citizen view");
  check(view.childcare.status === "ok", "childcare answered");
  const children = view.childcare.data?.children.map((c) => c.name) ?? [];
  check(children.includes("类型化客户端"), "the child in the view");
}

const [, , baseUrl, token, today] = process.argv;
if (baseUrl === undefined || token === undefined || today === undefined) {
  throw new Error("usage: node dist/journey.js <gateway URL> <citizen token> <YYYY-MM-DD>");
}
await journey(baseUrl, token, today);
console.log("typescript journey ok");
