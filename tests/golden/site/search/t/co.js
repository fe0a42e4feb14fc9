KB_SEARCH.shard(["co",{"context":[0,1,1,1,2,1],"cost":[2,8]}]);
