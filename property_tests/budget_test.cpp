// The default run's size: issue 7 asks for at least 10,000 generated traces
// across the property suites; AK_PROPERTY_TRACES scales every property.
#include <gtest/gtest.h>

#include "property.h"

namespace ak::prop {
namespace {

TEST(PropertyBudget, DefaultRunGeneratesAtLeastTenThousandTraces) {
  long total = 0;
  for (const auto& [name, weight] : registry()) total += traces(weight, kDefaultTraces);
  EXPECT_GE(registry().size(), 15u) << "a property suite is missing from the binary";
  EXPECT_GE(total, 10000) << "default traces across " << registry().size() << " properties";
  ::testing::Test::RecordProperty("default_traces", static_cast<int>(total));
}

TEST(PropertyBudget, EnvironmentVariableScalesEveryProperty) {
  EXPECT_EQ(traces(1.0, 5000), 5000);
  EXPECT_EQ(traces(0.1, 5000), 500);
  EXPECT_EQ(traces(0.001, 10), 1);  // never zero
}

}  // namespace
}  // namespace ak::prop
